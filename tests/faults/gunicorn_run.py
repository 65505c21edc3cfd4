"""A real gunicorn with the project's gunicorn.conf.py (the `make run` settings) on a free
port of 127.0.0.1, for the slow-client and log tests."""
import http.client
import os
import signal
import socket
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(port, path, timeout=5):
    """(status, seconds) of one GET on a new connection."""
    started = time.monotonic()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        response.read()
        return response.status, time.monotonic() - started
    finally:
        connection.close()


def wait_until_up(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if get(port, "/health", timeout=1)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("gunicorn did not answer /health")


@contextmanager
def gunicorn(url, directory, env=None):
    """gunicorn -c gunicorn.conf.py wsgi:app with only BIND changed; yields (port, log path):
    the access and error logs (stdout and stderr) both go to that file."""
    port = free_port()
    log = directory / "gunicorn.log"
    environment = {**os.environ, "DATABASE_URL": url, "BIND": f"127.0.0.1:{port}",
                   **(env or {})}
    for name in ("WEB_CONCURRENCY", "GUNICORN_THREADS", "GUNICORN_TIMEOUT",
                 "GUNICORN_HEADER_TIMEOUT"):
        if env is None or name not in env:
            environment.pop(name, None)
    with open(log, "wb") as output:
        process = subprocess.Popen([str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "wsgi:app"],
                                   cwd=ROOT, env=environment, stdout=output,
                                   stderr=subprocess.STDOUT)
        try:
            wait_until_up(port)
            yield port, log
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
