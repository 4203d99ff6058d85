"""The charset a ``Content-Type`` names, read as httpx reads it (``email.message.Message``'s
``get_content_charset``) without importing ``email``: its parameter splitting, its unquoting,
its lowercasing. A parameter in RFC 2231's form (``charset*=utf-8''...``) is rare enough to
be left to ``email`` itself.
"""

from __future__ import annotations

import re

# email.utils' pattern for a parameter name in RFC 2231's form.
_RFC2231 = re.compile(r"\w+\*([0-9]+\*?)?", re.ASCII)


def _parameters(value: str) -> list[str]:
    """email.message's ``_parseparam``: split at semicolons outside double quotes."""
    rest = ";" + value
    found: list[str] = []
    while rest[:1] == ";":
        rest = rest[1:]
        end = rest.find(";")
        while end > 0 and (rest.count('"', 0, end) - rest.count('\\"', 0, end)) % 2:
            end = rest.find(";", end + 1)
        if end < 0:
            end = len(rest)
        part = rest[:end]
        if "=" in part:
            i = part.index("=")
            part = part[:i].strip().lower() + "=" + part[i + 1 :].strip()
        found.append(part.strip())
        rest = rest[end:]
    return found


def _unquote(text: str) -> str:
    """email.utils' ``unquote``."""
    if len(text) > 1:
        if text.startswith('"') and text.endswith('"'):
            return text[1:-1].replace("\\\\", "\\").replace('\\"', '"')
        if text.startswith("<") and text.endswith(">"):
            return text[1:-1]
    return text


def _pair(parameter: str) -> tuple[str, str]:
    name, equals, value = parameter.partition("=")
    return (name.strip(), value.strip()) if equals else (parameter.strip(), "")


def _by_email(content_type: str) -> str | None:
    from email.message import Message

    message = Message()
    message["content-type"] = content_type
    return message.get_content_charset(failobj=None)


def content_charset(content_type: str) -> str | None:
    """``Message.get_content_charset()`` of a message with this ``Content-Type``."""
    first, *rest = (_pair(p) for p in _parameters(content_type))
    if any(_RFC2231.fullmatch(name) for name, _ in rest):
        return _by_email(content_type)
    # email's decode_params requotes the other values for get_param to unquote: the same.
    charset = next((_unquote(v) for name, v in [first, *rest] if name.lower() == "charset"), None)
    if charset is None or not charset.isascii():
        return None
    return charset.lower()
