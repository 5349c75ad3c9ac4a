"""Hostile clients and faults: the preview server answers every request with a status line and no
traceback, and a build's worker processes die with it and never block it (issue 11, items 9 and 11)."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import struct
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from chronique.build import BuildRequest
from chronique.server import Broadcaster, make_server
from conftest import snapshot, write_article
from test_serve import raw_request, start_serving

SOURCES = Path(__file__).resolve().parents[1] / "src"

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


# Item 9: a build's worker processes. Enough articles that the build parses them in a process pool
# (Parallelism.parse_from files) and renders half of its pages in a forked process (Parallelism.render_from pages).
ARTICLES = 1000
BUILD_BOUND_SECONDS = 60  # a bound for hangs, not a measure: builds here take a few seconds


@pytest.fixture(scope="module")
def archive(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A content folder of ARTICLES small articles, and its site already built in site/."""
    root = tmp_path_factory.mktemp("workers")
    content = root / "content"
    content.mkdir()
    for number in range(ARTICLES):
        (content / f"a{number:04d}.md").write_text(
            f'---\ntitle: "Article {number}"\ndate: 2024-{number % 12 + 1:02d}-{number % 28 + 1:02d}\n'
            f"tags: [sujet{number % 40}]\n---\n\nTexte numéro {number} sur le conseil municipal.\n",
            "utf-8",
        )
    finished = start_build(root, root / "site")
    assert finished.wait(BUILD_BOUND_SECONDS) == 0
    return root


def start_build(root: Path, output: Path, command: tuple[str, ...] = ("build", "--clean")) -> subprocess.Popen[bytes]:
    """`chronique build --clean` (or `command`) in its own session, as a terminal runs it (its
    Ctrl-C reaches the whole group)."""
    return subprocess.Popen(
        [sys.executable, "-m", "chronique.cli", *command, "--content", "content", "--output", str(output)],
        cwd=root, env={**os.environ, "PYTHONPATH": str(SOURCES)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, start_new_session=True,
    )


def children_of(pid: int) -> set[int]:
    found: set[int] = set()
    for task in Path(f"/proc/{pid}/task").glob("*"):
        with contextlib.suppress(OSError):
            found.update(int(child) for child in (task / "children").read_text().split())
    return found


def is_running(pid: int) -> bool:
    """Whether `pid` runs (a zombie, waiting for its parent to reap it, no longer does)."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


def workers_during(build: subprocess.Popen[bytes], stage: str) -> set[int]:
    """The build's child processes once `stage` runs: "parse" (the pool of parsers) or "render"
    (the forked renderer, the next child once the pool is gone)."""
    deadline = time.monotonic() + BUILD_BOUND_SECONDS
    pool_seen = pool_gone = False
    while True:
        assert build.poll() is None, "the build ended before its workers were seen"
        assert time.monotonic() < deadline, f"no {stage} worker started"
        workers = children_of(build.pid)
        if workers and (stage == "parse" or pool_gone):
            return workers
        pool_seen = pool_seen or bool(workers)
        pool_gone = pool_seen and not workers
        time.sleep(0.002)


def rendering(pid: int, timeout: float = 5) -> None:
    """Waits (bounded) until the forked renderer `pid` has rendered for a tenth of a second of CPU:
    the build is in the middle of rendering, both processes staging pages."""
    deadline = time.monotonic() + timeout
    while is_running(pid) and time.monotonic() < deadline:
        with contextlib.suppress(OSError, IndexError, ValueError):
            fields = Path(f"/proc/{pid}/stat").read_text().rpartition(")")[2].split()
            if int(fields[11]) >= os.sysconf("SC_CLK_TCK") // 10:  # utime, in clock ticks
                return
        time.sleep(0.002)


def assert_all_ended(pids: set[int], timeout: float = 10) -> None:
    deadline = time.monotonic() + timeout
    while running := {pid for pid in pids if is_running(pid)}:
        assert time.monotonic() < deadline, f"worker processes outlived the build: {running}"
        time.sleep(0.02)


def finish(build: subprocess.Popen[bytes]) -> tuple[int, str]:
    """The build's exit code and stderr; fails if it (or a child holding its pipes) hangs."""
    try:
        _, err = build.communicate(timeout=BUILD_BOUND_SECONDS)
    except subprocess.TimeoutExpired:
        os.killpg(build.pid, signal.SIGKILL)
        build.communicate()
        raise AssertionError("the build hung") from None
    return build.returncode, err.decode("utf-8", "replace")



@pytest.mark.parametrize("stage", ["parse", "render"])
def test_ctrl_c_ends_a_build_at_once_and_leaves_the_site_alone(archive: Path, stage: str) -> None:
    before = snapshot(archive / "site")
    build = start_build(archive, archive / "site")
    try:
        workers = workers_during(build, stage)
        if stage == "render":
            rendering(next(iter(workers)))
        os.killpg(build.pid, signal.SIGINT)  # what Ctrl-C in a terminal does
        code, err = finish(build)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)
    assert code == 130, err
    assert err.strip() == "interrupted: files not yet replaced keep their previous version", err
    assert_all_ended(workers)
    assert snapshot(archive / "site") == before


@pytest.mark.parametrize(("stage", "death"), [("parse", signal.SIGKILL), ("render", signal.SIGKILL),
                                              ("render", signal.SIGTERM)])
def test_workers_die_with_a_killed_build(archive: Path, tmp_path: Path, stage: str, death: signal.Signals) -> None:
    build = start_build(archive, tmp_path / "site")
    try:
        workers = workers_during(build, stage)
        build.send_signal(death)
        code, _ = finish(build)  # also fails if a worker kept the build's output pipes open
        assert code == -death
        assert_all_ended(workers)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)


def test_ctrl_c_during_the_first_build_of_serve_ends_it_in_one_line(archive: Path, tmp_path: Path) -> None:
    build = start_build(archive, tmp_path / "site", ("serve", "--port", "0"))
    try:
        workers = workers_during(build, "parse")
        os.killpg(build.pid, signal.SIGINT)
        code, err = finish(build)
    finally:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(build.pid, signal.SIGKILL)
    assert (code, err.strip()) == (130, "interrupted: files not yet replaced keep their previous version")
    assert_all_ended(workers)
