"""Hostile clients and faults: the preview server answers every request with a status line and no
traceback, and a build's worker processes die with it and never block it (issue 11, items 9 and 11)."""

from __future__ import annotations

import socket
import struct
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from chronique.build import BuildRequest
from chronique.server import Broadcaster, make_server
from conftest import write_article
from test_serve import raw_request, start_serving

HOSTILE_REQUESTS = [
    (b"GET /" + b"a" * 8000 + b" HTTP/1.0\r\n\r\n", b"414"),
    (b"GET /" + b"a" * 70000 + b" HTTP/1.0\r\n\r\n", b"414"),
    (b"GET /" + b"a" * 300 + b".html HTTP/1.0\r\n\r\n", b"404"),  # a file name too long for the system
    (b"GET /" + b"b/" * 1000 + b" HTTP/1.0\r\n\r\n", b"404"),  # a path too deep, under the length limit
    (b"GET /" + b"%61" * 600 + b" HTTP/1.0\r\n\r\n", b"404"),  # too long once decoded
    (b"GET /%zz%g1% HTTP/1.0\r\n\r\n", b"404"),
    (b"GET /%ff%fe%ED%A0%80 HTTP/1.0\r\n\r\n", b"404"),
    (b"GET /index.html%00 HTTP/1.0\r\n\r\n", b"404"),
    (b"GET /\x00\x01\x7f\xff HTTP/1.0\r\n\r\n", b"404"),
    (b"GET http://[/ HTTP/1.0\r\n\r\n", b"404"),
    (b"GET /__chronique/events/../../x HTTP/1.0\r\n\r\n", b"404"),
    (b"GET /\r\n\r\n", b"400"),  # HTTP/0.9: no version
    (b"GET\r\n\r\n", b"400"),
    (b"GARBAGE\r\n\r\n", b"400"),
    (b"\r\n\r\n", b"400"),
    (b"GET / HTTP/1.0 extra\r\n\r\n", b"400"),
    (b"GET / FTP/1.0\r\n\r\n", b"400"),
    (b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03\r\n\r\n", b"400"),  # a TLS hello
    (b"GET / HTTP/1.0\r\nX: " + b"a" * 70000 + b"\r\n\r\n", b"431"),
]


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "site"
    root.mkdir()
    (root / "index.html").write_text("<html><body>accueil</body></html>")
    (root / "big.bin").write_bytes(b"x" * 4_000_000)  # larger than any socket buffer
    return root


@pytest.fixture(scope="module")
def port(site: Path):
    server = make_server(site, "127.0.0.1", 0, Broadcaster())
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server.server_address[1]
    server.shutdown()
    server.server_close()


def status_of(response: bytes) -> bytes:
    """The status code of a response that starts with a proper status line (else fails)."""
    assert response.startswith(b"HTTP/1.0 "), response[:80]
    return response.split(b" ", 2)[1]


def requests_finished(timeout: float = 10) -> None:
    """Waits until the server has no request in hand (each runs in its own thread)."""
    deadline = time.monotonic() + timeout
    while any("process_request_thread" in thread.name for thread in threading.enumerate()):
        assert time.monotonic() < deadline, "a request is still being answered"
        time.sleep(0.02)


def hang_up_early(port: int, request: bytes) -> None:
    """Sends a request and leaves without reading the answer, as a closed tab does: with a reset
    (linger 0) that makes the server's next write fail."""
    connection = socket.create_connection(("127.0.0.1", port), timeout=5)
    connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
    connection.sendall(request)
    connection.close()


@pytest.mark.parametrize(("data", "status"), HOSTILE_REQUESTS, ids=lambda value: repr(value)[:40])
def test_every_odd_request_gets_a_status_line_and_no_traceback(port: int, capfd, data: bytes, status: bytes) -> None:
    assert status_of(raw_request(port, data)) == status
    assert status_of(raw_request(port, b"GET / HTTP/1.0\r\n\r\n")) == b"200"
    requests_finished()
    assert "Traceback" not in capfd.readouterr().err


def test_clients_that_leave_early_print_nothing(port: int, capfd) -> None:
    for _ in range(10):
        hang_up_early(port, b"GET /big.bin HTTP/1.0\r\n\r\n")
        hang_up_early(port, b"GET / HTTP/1.0\r\n\r\n")
        hang_up_early(port, b"GET /__chronique/events HTTP/1.0\r\n\r\n")
        hang_up_early(port, b"GARBAGE\r\n\r\n")
    requests_finished()
    assert capfd.readouterr().err == ""
    assert status_of(raw_request(port, b"GET / HTTP/1.0\r\n\r\n")) == b"200"


def test_five_hundred_parallel_connections_are_all_answered(port: int) -> None:
    def get(_: int) -> bytes:
        # The timeout bounds the test: with a listen backlog of 5, refused connections are retried
        # after 1, 3, 7, 15 s…
        with socket.create_connection(("127.0.0.1", port), timeout=10) as connection:
            connection.sendall(b"GET / HTTP/1.0\r\n\r\n")
            return connection.makefile("rb").readline()

    with ThreadPoolExecutor(500) as clients:
        answers = list(clients.map(get, range(500)))
    assert answers == [b"HTTP/1.0 200 OK\r\n"] * 500


def test_serve_answers_hostile_clients_and_keeps_serving(tmp_path: Path, capfd) -> None:
    content = tmp_path / "content"
    write_article(content, "a.md", "Premier article", "2024-10-30")
    port, stop, thread = start_serving(BuildRequest(content=content, output=tmp_path / "site", cwd=tmp_path))
    try:
        for data, status in HOSTILE_REQUESTS:
            assert status_of(raw_request(port, data)) == status
            hang_up_early(port, data)
            hang_up_early(port, b"GET / HTTP/1.0\r\n\r\n")
            assert b"Premier article" in raw_request(port, b"GET / HTTP/1.0\r\n\r\n")
        requests_finished()
        assert thread.is_alive()
    finally:
        stop.set()
        thread.join(timeout=10)
    assert "Traceback" not in capfd.readouterr().err
