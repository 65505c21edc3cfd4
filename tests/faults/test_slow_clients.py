"""Slow clients (slowloris): sockets that trickle a request header a byte a second, never
finishing it, do not stop a real gunicorn started with the project's gunicorn.conf.py (the
`make run` defaults) from answering /health (docs/deploying.md, "Slow clients")."""
import socket
import threading
import time

import pytest

from tests.faults.conftest import scratch_database
from tests.faults.gunicorn_run import get, gunicorn

pytestmark = pytest.mark.no_db_transaction

TRICKLERS = 20
HEADER = b"GET /health HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: " + b"a" * 200


class Tricklers:
    """`count` sockets that each send HEADER a byte every `every` seconds; a socket the server
    closes is opened again, so `count` are trickling at all times."""

    def __init__(self, port, count, every=1.0):
        self.port, self.count, self.every = port, count, every
        self.stop = threading.Event()
        self.opened = 0
        self.cut = 0  # sockets the server closed
        self.threads = [threading.Thread(target=self._trickle, daemon=True)
                        for _ in range(count)]

    def _trickle(self):
        while not self.stop.is_set():
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=5) as sock:
                    self.opened += 1
                    for byte in HEADER:
                        sock.sendall(bytes([byte]))
                        if self.stop.wait(self.every):
                            return
            except OSError:
                self.cut += 1
                self.stop.wait(0.1)

    def __enter__(self):
        for thread in self.threads:
            thread.start()
        return self

    def __exit__(self, *exc):
        self.stop.set()
        for thread in self.threads:
            thread.join(5)


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory):
    directory = tmp_path_factory.mktemp("slow_clients")
    with scratch_database(database_url, directory, "f_slow_clients") as url:
        from tests.faults.conftest import prepare

        prepare(url)
        with gunicorn(url, directory) as (port, _log):
            yield port


def test_trickling_headers_do_not_stop_health(server):
    with Tricklers(server, TRICKLERS) as tricklers:
        time.sleep(3)  # every trickler connected and has sent a few bytes
        assert tricklers.opened >= TRICKLERS
        latencies = []
        for _ in range(4):
            status, seconds = get(server, "/health", timeout=5)
            assert status == 200
            latencies.append(seconds)
            time.sleep(0.5)
    print(f"/health with {TRICKLERS} trickling sockets:",
          ", ".join(f"{s * 1000:.1f} ms" for s in latencies))
    assert max(latencies) < 1.0, latencies


def test_a_header_not_finished_in_time_is_cut(server):
    """GUNICORN_HEADER_TIMEOUT (10 s): the trickling socket is closed, so slow headers cannot
    pile up to worker_connections."""
    with socket.create_connection(("127.0.0.1", server), timeout=20) as sock:
        started = time.monotonic()
        closed = None
        for byte in HEADER * 2:
            try:
                sock.sendall(bytes([byte]))
                sock.settimeout(0.5)
                if sock.recv(1) == b"":
                    closed = time.monotonic() - started
                    break
            except TimeoutError:
                continue
            except OSError:
                closed = time.monotonic() - started
                break
    assert closed is not None and 9 < closed < 13, closed
