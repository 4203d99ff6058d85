"""The charset of a Content-Type as httpx reads it, through ``email.message.Message``: the
plain path's parser, which does not import ``email``, must give what it gives."""

from __future__ import annotations

from email.message import Message

import pytest

from chaos.providers.http_charset import content_charset

CONTENT_TYPES = [
    "text/plain",
    "text/plain; charset=utf-8",
    "text/plain; charset=UTF-8",
    'text/plain; charset="ISO-8859-1"',
    "text/plain;charset=latin-1;charset=utf-8",
    "text/plain; CharSet = Shift_JIS ",
    "text/plain; charset=",
    'text/plain; charset=""',
    'text/plain; charset="a\\"b"',
    'text/plain; charset="latin\\\\-1"',
    "text/plain; charset=<utf-8>",
    'text/plain; a="x;charset=no"; charset=yes',
    'text/plain; a="x\\";charset=in"; charset=out',
    "text/plain;; ;charset=utf-8;",
    "charset=utf-8",
    'charset="utf-8"; charset=latin-1',
    "text/plain; charset=caf\xe9",
    "text/plain; charset",
    "text/plain; charset*=''latin-1",
    "text/plain; charset*=utf-8'en'%75tf-8",
    "text/plain; charset*0=ut; charset*1=f-8",
    "application/json, text/plain; charset=utf-16",
    "",
]


def by_email(content_type: str) -> str | None:
    message = Message()
    message["content-type"] = content_type
    return message.get_content_charset(failobj=None)


@pytest.mark.parametrize("content_type", CONTENT_TYPES)
def test_the_charset_email_reads(content_type: str) -> None:
    assert content_charset(content_type) == by_email(content_type)
