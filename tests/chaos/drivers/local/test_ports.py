"""The ports the local stack picks for its programs."""

from __future__ import annotations

import socket

from chaos.drivers.local.ports import ephemeral_floor, pick_port


def test_a_picked_port_is_below_the_ephemeral_range_free_and_not_taken() -> None:
    taken: set[int] = set()
    for _ in range(50):
        port = pick_port(0, taken)
        assert port < ephemeral_floor()  # no outgoing connection is given it meanwhile
        assert port not in taken
        with socket.create_server(("127.0.0.1", port)):
            pass  # free: a program can listen on it
        taken.add(port)
