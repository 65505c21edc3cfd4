"""Shared by the benchmarks: a throwaway costapi server and a small HTTP load generator."""
import http.client
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def flask(env, *args):
    result = subprocess.run([str(BIN / "flask"), "--app", "wsgi", *args], cwd=ROOT, env=env,
                            capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1] if result.stdout.strip() else ""


@contextmanager
def server(workers=1, database_url=None, extra_env=None, log=None):
    """gunicorn on a free port over a fresh database with the seed data; yields (port, key).

    `log`: a file path for gunicorn's error log and the app's warnings (default: dropped).
    """
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "DATABASE_URL": database_url or f"sqlite:///{tmp}/bench.sqlite",
               "LOG_LEVEL": "WARNING", **(extra_env or {})}
        flask(env, "db", "upgrade")
        flask(env, "fixtures", "load")
        key = flask(env, "keys", "create", "--role", "admin", "--name", "bench")
        port = _free_port()
        errors = open(log, "w") if log else subprocess.DEVNULL  # noqa: SIM115
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "gunicorn.conf.py", "--workers", str(workers),
             "--worker-class", "sync", "--bind", f"127.0.0.1:{port}",
             "--access-logfile", "/dev/null", "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        try:
            _wait_for(port)
            yield port, key
        finally:
            process.terminate()
            process.wait(timeout=30)
            if log:
                errors.close()


def _wait_for(port, timeout=30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def load(port, request, clients=4, seconds=10.0):
    """Run `request(connection) -> status` from `clients` threads for `seconds`.

    Returns (requests per second, latencies in seconds, error count).
    """
    latencies, errors, lock = [], [0], threading.Lock()
    stop = time.monotonic() + seconds

    def worker():
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        mine, failed = [], 0
        while time.monotonic() < stop:
            started = time.perf_counter()
            try:
                status = request(connection)
            except (OSError, http.client.HTTPException):
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                status = 0
            mine.append(time.perf_counter() - started)
            if not 200 <= status < 300:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=worker) for _ in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return len(latencies) / (time.monotonic() - began), latencies, errors[0]


def call(connection, method, path, key=None, body=None, headers=None):
    head = {"Content-Type": "application/json", **(headers or {})}
    if key:
        head["Authorization"] = f"Bearer {key}"
    connection.request(method, path, body=None if body is None else json.dumps(body),
                       headers=head)
    response = connection.getresponse()
    response.read()
    return response.status


def percentile(values, p):
    return statistics.quantiles(values, n=100)[p - 1] if len(values) > 1 else values[0]
