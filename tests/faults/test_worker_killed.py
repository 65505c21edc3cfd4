"""A gunicorn worker SIGKILLed in the middle of a write leaves nothing half-written.

A real gunicorn (the project's gunicorn.conf.py, one worker) on a scratch database; a hook
(gunicorn_pause.py) holds the worker after its INSERTs reached the database and before the
commit, and the test kills it there. The database then holds the old state whole; the master
starts a new worker and the same requests succeed.
"""
import http.client
import json
import os
import signal
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from costapi.db import make_engine
from costapi.models import Estimate, IdempotencyKey, Payer, Policy, Rate
from costapi.models.versioned import as_utc
from tests.api.estimate_requests import spravato, with_patient
from tests.faults.conftest import Timer, prepare, scratch_database

pytestmark = pytest.mark.no_db_transaction

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


class Server:
    def __init__(self, port, keys, url, pause_file, access_log):
        self.port, self.keys, self.url = port, keys, url
        self.pause_file, self.access_log = pause_file, access_log
        self.engine = make_engine(url)

    def call(self, method, path, role="billing", body=None, headers=None, timeout=30):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=timeout)
        try:
            connection.request(method, path, body=None if body is None else json.dumps(body),
                               headers={"Content-Type": "application/json",
                                        "Authorization": f"Bearer {self.keys[role]}",
                                        **(headers or {})})
            response = connection.getresponse()
            data = response.read()
            return response.status, dict(response.getheaders()), (
                json.loads(data) if data else None)
        finally:
            connection.close()

    def killed_during(self, model, method, path, **kwargs):
        """Send a request, SIGKILL the worker once it has flushed a `model` row; what the
        client got (an exception, since the worker died)."""
        paused = Path(f"{self.pause_file}.paused")
        paused.unlink(missing_ok=True)
        self.pause_file.write_text(model)
        outcome = {}

        def send():
            try:
                outcome["answer"] = self.call(method, path, **kwargs)
            except (OSError, http.client.HTTPException) as error:
                outcome["error"] = error

        client = threading.Thread(target=send)
        client.start()
        deadline = time.monotonic() + 20
        while not paused.exists() or not paused.read_text():
            assert time.monotonic() < deadline, "the worker never reached the pause"
            time.sleep(0.02)
        os.kill(int(paused.read_text()), signal.SIGKILL)
        client.join(10)
        return outcome

    def wait_until_up(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=1)
                connection.request("GET", "/ready")
                if connection.getresponse().status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError("gunicorn did not answer /ready")

    def count(self, model, *where):
        with Session(self.engine) as session:
            return session.scalar(select(func.count()).select_from(model).where(*where))


def _free_port():
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def gunicorn(url, keys, directory):
    pause_file, access_log = directory / "pause", directory / "access.log"
    port = _free_port()
    env = {**os.environ, "DATABASE_URL": url, "LOG_LEVEL": "WARNING",
           "FAULTS_PAUSE_FILE": str(pause_file), "RULE_CACHE_SECONDS": "0"}
    with open(directory / "gunicorn.err", "wb") as errors:
        process = subprocess.Popen(
            [str(BIN / "gunicorn"), "-c", "tests/faults/gunicorn_pause.py", "--workers", "1",
             "--graceful-timeout", "2", "--bind", f"127.0.0.1:{port}",
             "--access-logfile", str(access_log), "wsgi:app"],
            cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=errors)
        server = Server(port, keys, url, pause_file, access_log)
        try:
            server.wait_until_up()
            yield server
        finally:
            process.send_signal(signal.SIGINT)  # quick shutdown of the master and its worker
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)
            server.engine.dispose()


@pytest.fixture(scope="module")
def server(database_url, tmp_path_factory):
    directory = tmp_path_factory.mktemp("gunicorn")
    with scratch_database(database_url, directory, "f_worker_killed") as url:
        keys = prepare(url)
        with gunicorn(url, keys, directory) as server:
            yield server


def test_a_worker_killed_before_its_commit_leaves_no_estimate_and_the_retry_succeeds(server):
    body = with_patient(spravato())
    key = {"Idempotency-Key": "booking-killed-1"}
    with Timer() as killed:
        outcome = server.killed_during("Estimate", "POST", "/api/v1/estimates", body=body,
                                       headers=key)
    assert "error" in outcome, outcome  # the client saw the connection drop, not an answer
    assert server.count(Estimate) == 0  # the INSERT was never committed
    with Session(server.engine) as session:
        claim = session.scalar(select(IdempotencyKey))
        assert claim.key == "booking-killed-1" and claim.estimate_id is None  # a stale claim

    server.wait_until_up()  # the master has started a new worker
    status, _, answer = server.call("POST", "/api/v1/estimates", body=body, headers=key)
    assert status == 409, answer  # the claim is younger than the stale window (2 minutes)

    with Session(server.engine) as session:  # two minutes later (CLAIM_STALE_AFTER)
        claim = session.scalar(select(IdempotencyKey))
        claim.created_at = as_utc(claim.created_at) - timedelta(minutes=3)
        session.commit()
    status, _, created = server.call("POST", "/api/v1/estimates", body=body, headers=key)
    assert status == 201, created
    status, _, again = server.call("POST", "/api/v1/estimates", body=body, headers=key)
    assert (status, again["id"]) == (201, created["id"])
    assert server.count(Estimate) == 1
    with Session(server.engine) as session:
        claim = session.scalar(select(IdempotencyKey))
        assert claim.estimate_id == created["id"]  # the claim is completed
    assert killed.seconds < 10


def test_a_worker_killed_without_an_idempotency_key_leaves_nothing(server):
    before = server.count(Estimate)
    outcome = server.killed_during("Estimate", "POST", "/api/v1/estimates",
                                   body=with_patient(spravato()))
    assert "error" in outcome, outcome
    server.wait_until_up()
    assert server.count(Estimate) == before
    status, _, _ = server.call("POST", "/api/v1/estimates", body=with_patient(spravato()))
    assert status == 201


def test_a_worker_killed_while_writing_a_payers_rates_leaves_the_old_payer_whole(server):
    status, headers, payer = server.call("GET", "/api/v1/payers/acme-ppo", role="admin")
    assert status == 200
    etag = headers["ETag"]
    rates, policies = server.count(Rate), server.count(Policy)
    changed = {**payer, "name": "Acme renamed",
               "rates": [{**rate, "allowed": "1.00"} for rate in payer["rates"]]}
    outcome = server.killed_during("Rate", "PUT", "/api/v1/payers/acme-ppo", role="admin",
                                   body=changed, headers={"If-Match": etag})
    assert "error" in outcome, outcome
    server.wait_until_up()

    status, headers, after = server.call("GET", "/api/v1/payers/acme-ppo", role="admin")
    assert (status, headers["ETag"], after) == (200, etag, payer)  # nothing half-applied
    assert (server.count(Rate), server.count(Policy)) == (rates, policies)
    assert server.count(Payer, Payer.code == "acme-ppo") == 1
    status, _, renamed = server.call("PUT", "/api/v1/payers/acme-ppo", role="admin",
                                     body=changed, headers={"If-Match": etag})
    assert status == 200 and renamed["name"] == "Acme renamed"  # no lock or version left over


def test_the_access_log_has_no_query_strings(server):
    """api.md: access logs drop query strings (they can carry patient references)."""
    status, _, _ = server.call("GET", "/api/v1/estimates?patient_reference=MRN-SECRET-77")
    assert status == 200
    deadline = time.monotonic() + 5
    while "/api/v1/estimates" not in server.access_log.read_text():
        assert time.monotonic() < deadline, "no access log line"
        time.sleep(0.05)
    log = server.access_log.read_text()
    assert "MRN-SECRET-77" not in log and "patient_reference" not in log
    assert server.keys["billing"] not in log  # nor the API key
