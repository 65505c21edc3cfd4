"""A fixed mix of requests from 32 clients for 60 s against gunicorn (4 workers) on PostgreSQL.

Prints throughput, p50/p95/p99 latency (overall and per kind) and errors (target: zero
errors at 32 clients for 60 s). A 412 on a rule update (another client changed the payer
since its GET) is an expected outcome, counted apart. Only 127.0.0.1; bounded in time.

    .venv/bin/python -m bench.load [--clients 32] [--seconds 60] [--workers 4]
        [--database-url URL]   # default: a fresh scratch database `costapi_load`

Rate limits are off (RATELIMIT_ENABLED=false: memory storage would count per worker);
RULE_CACHE_SECONDS keeps its default (1 s).
"""
import sys
from pathlib import Path

if not __package__:  # run as a file: bench/ must not shadow the standard library's http
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse  # noqa: E402
import http.client  # noqa: E402
import json  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import subprocess  # noqa: E402
import tempfile  # noqa: E402
import threading  # noqa: E402
import time  # noqa: E402
from collections import Counter  # noqa: E402
from decimal import Decimal  # noqa: E402

from bench.batch import requests as estimate_requests  # noqa: E402
from bench.common import BIN, ROOT, percentile, server  # noqa: E402

API = "/api/v1"
MIX = {  # kind: share of the operations each client runs, in percent
    "public estimate": 30,
    "stored estimate": 20,
    "read estimate": 20,
    "list estimates": 10,
    "public plans/payers": 8,
    "plans/payers": 8,
    "rule update": 4,
}
EXPECTED = {"stored estimate": {201}, "rule update": {200, 412}}
UPDATED_PAYERS = ("acme-ppo", "bluestate-hmo")
CENT = Decimal("0.01")
PUBLIC_BODIES = [
    {"plan": "spravato-56-commercial", "start_date": "2027-01-04", "coverage": "insurance",
     "payer": "acme-ppo", "deductible": "1500.00", "coinsurance": "0.20", "copay": "30.00",
     "out_of_pocket_max": "5000.00"},
    {"plan": "spravato-84-commercial", "start_date": "2027-03-01", "coverage": "insurance",
     "payer": "bluestate-hmo"},
    {"plan": "spravato-56-medicare", "start_date": "2026-11-02", "coverage": "insurance",
     "payer": "medicare-b", "deductible_met": "100.00", "deductible": "257.00"},
    {"plan": "ketamine-iv-6", "start_date": "2027-02-15", "coverage": "self_pay"},
    {"plan": "kap-im", "start_date": "2027-05-03", "coverage": "insurance",
     "payer": "acme-ppo", "network": "out"},
]
READ_PATHS = [f"{API}/plans", f"{API}/payers", f"{API}/payers/acme-ppo", f"{API}/plans/kap-im"]
PUBLIC_PATHS = [f"{API}/public/plans", f"{API}/public/payers"]


class Client:
    """One keep-alive connection (reopened when the server closes it)."""

    def __init__(self, port, key):
        self.port, self.key = port, key
        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)

    def send(self, method, path, body=None, headers=None, auth=True):
        head = {"Content-Type": "application/json", **(headers or {})}
        if auth:
            head["Authorization"] = f"Bearer {self.key}"
        try:
            self.connection.request(method, path, body=None if body is None else json.dumps(body),
                                    headers=head)
            response = self.connection.getresponse()
            return response.status, response.read(), response.headers
        except (OSError, http.client.HTTPException) as error:
            self.connection.close()
            self.connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
            return 0, str(error).encode(), {}


class Shared:
    """What the clients share: stored estimate ids (for reads) and the results."""

    def __init__(self, ids):
        self.ids = list(ids)
        self.lock = threading.Lock()
        self.latencies = {kind: [] for kind in [*MIX, "rule update (GET for ETag)"]}
        self.statuses = {kind: Counter() for kind in self.latencies}
        self.problems = Counter()


def operations(client, shared, rng, bodies):
    """kind -> a function running one operation; returns [(kind, status, seconds), ...]."""

    def timed(kind, method, path, body=None, headers=None, auth=True):
        began = time.perf_counter()
        status, payload, head = client.send(method, path, body, headers, auth)
        return (kind, status, time.perf_counter() - began), payload, head

    def public_estimate():
        return [timed("public estimate", "POST", f"{API}/public/estimate",
                      rng.choice(PUBLIC_BODIES), auth=False)[0]]

    def stored_estimate():
        outcome, payload, _ = timed("stored estimate", "POST", f"{API}/estimates",
                                    rng.choice(bodies))
        if outcome[1] == 201:
            estimate_id = json.loads(payload)["id"]
            with shared.lock:
                shared.ids.append(estimate_id)
        return [outcome]

    def read_estimate():
        with shared.lock:
            estimate_id = rng.choice(shared.ids)
        return [timed("read estimate", "GET", f"{API}/estimates/{estimate_id}")[0]]

    def list_estimates():
        if rng.random() < 0.3:
            query = f"patient_reference=MRN-{rng.randrange(0, 600, 3):06d}"
        else:
            query = f"page={rng.randrange(1, 6)}&page_size=20"
        return [timed("list estimates", "GET", f"{API}/estimates?{query}")[0]]

    def public_lists():
        return [timed("public plans/payers", "GET", rng.choice(PUBLIC_PATHS), auth=False)[0]]

    def plans_payers():
        return [timed("plans/payers", "GET", rng.choice(READ_PATHS))[0]]

    def rule_update():
        code = rng.choice(UPDATED_PAYERS)
        read, payload, head = timed("rule update (GET for ETag)", "GET", f"{API}/payers/{code}")
        if read[1] != 200:
            return [read]
        payer = json.loads(payload)
        for rate in payer["rates"]:
            if rate["service"] == "J0013" and rate["effective_to"] is None:
                allowed = Decimal(rate["allowed"])  # a cent up, then down again
                step = CENT if int(allowed * 100) % 2 == 0 else -CENT
                rate["allowed"] = str(allowed + step)
        put = timed("rule update", "PUT", f"{API}/payers/{code}", payer,
                    headers={"If-Match": head["ETag"]})[0]
        return [read, put]

    return {"public estimate": public_estimate, "stored estimate": stored_estimate,
            "read estimate": read_estimate, "list estimates": list_estimates,
            "public plans/payers": public_lists, "plans/payers": plans_payers,
            "rule update": rule_update}


def sequence(seed):
    """The fixed mix: 100 operations in a seeded order, run in a loop."""
    kinds = [kind for kind, share in MIX.items() for _ in range(share)]
    random.Random(seed).shuffle(kinds)
    return kinds


def run_clients(port, key, shared, clients, seconds, bodies, max_operations):
    stop = time.monotonic() + seconds
    budget = [max_operations]

    def worker(index):
        client, rng = Client(port, key), random.Random(index)
        ops, kinds = operations(client, shared, rng, bodies), sequence(index)
        mine = []
        step = 0
        while time.monotonic() < stop:
            with shared.lock:
                if budget[0] <= 0:
                    break
                budget[0] -= 1
            mine.extend(ops[kinds[step % len(kinds)]]())
            step += 1
        with shared.lock:
            for kind, status, spent in mine:
                shared.latencies[kind].append(spent)
                shared.statuses[kind][status] += 1

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(clients)]
    began = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.monotonic() - began


def seed_estimates(port, key, bodies, count):
    client = Client(port, key)
    ids = []
    for body in bodies[:count]:
        status, payload, _ = client.send("POST", f"{API}/estimates", body)
        assert status == 201, payload
        ids.append(json.loads(payload)["id"])
    return ids


def scratch_database():
    result = subprocess.run([str(BIN / "python"), "scripts/postgres_scratch.py", "costapi_load"],
                            cwd=ROOT, capture_output=True, text=True, check=True)
    return result.stdout.strip().splitlines()[-1]


def postgres_version(url):
    import psycopg

    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql")) as connection:
        return connection.execute("SHOW server_version").fetchone()[0]


def nothing_lost(url, shared, warm):
    """Every 201 is a stored estimate and every 200 on a PUT a payer version; prints the check."""
    from sqlalchemy import create_engine, text

    created = 100 + sum(run.statuses["stored estimate"][201] for run in (shared, warm))
    updated = sum(run.statuses["rule update"][200] for run in (shared, warm))
    engine = create_engine(url)
    with engine.connect() as connection:
        stored = connection.execute(text("SELECT count(*) FROM estimates")).scalar()
        versions = connection.execute(text(
            "SELECT sum(version) - count(*) FROM payers WHERE superseded_at IS NULL"
            " AND code IN ('acme-ppo', 'bluestate-hmo')")).scalar()
    engine.dispose()
    print(f"nothing lost: {created} estimates answered 201, {stored} stored; {updated} rule "
          f"updates answered 200, {versions} new payer versions")
    return created != stored or updated != versions


def report(shared, elapsed, generator_cpu):
    def ms(values, p):
        return percentile(values, p) * 1000 if values else 0.0

    everything = [value for values in shared.latencies.values() for value in values]
    total_errors = 0
    print(f"{'kind':28} {'count':>7} {'req/s':>7} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8}"
          f" {'errors':>6}  statuses")
    for kind, values in shared.latencies.items():
        statuses = shared.statuses[kind]
        expected = EXPECTED.get(kind, {200})
        errors = sum(n for status, n in statuses.items() if status not in expected)
        total_errors += errors
        shown = ", ".join(f"{status}: {n}" for status, n in sorted(statuses.items()))
        print(f"{kind:28} {len(values):7} {len(values) / elapsed:7.1f} {ms(values, 50):8.1f}"
              f" {ms(values, 95):8.1f} {ms(values, 99):8.1f} {errors:6}  {shown}")
    races = shared.statuses["rule update"][412]
    print(f"{'all':28} {len(everything):7} {len(everything) / elapsed:7.1f}"
          f" {ms(everything, 50):8.1f} {ms(everything, 95):8.1f} {ms(everything, 99):8.1f}"
          f" {total_errors:6}")
    print(f"throughput {len(everything) / elapsed:.1f} requests/s over {elapsed:.1f} s; "
          f"errors {total_errors} (target 0); rule updates lost to a race (412, expected): "
          f"{races}; load generator CPU {generator_cpu / elapsed:.0%} of one core")
    return total_errors


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--warmup", type=float, default=5.0)
    parser.add_argument("--max-requests", type=int, default=1_000_000)
    parser.add_argument("--database-url", help="default: a fresh PostgreSQL scratch database")
    args = parser.parse_args()
    load_before = os.getloadavg()[0]
    url = args.database_url or scratch_database()
    engine = (f"PostgreSQL {postgres_version(url)}" if url.startswith("postgresql")
              else url.split(":")[0])
    env = {"RATELIMIT_ENABLED": "false"}
    bodies = estimate_requests(600, seed=11)
    with tempfile.TemporaryDirectory() as tmp:
        log = f"{tmp}/gunicorn.log"
        with server(workers=args.workers, database_url=url, extra_env=env, log=log) as (port, key):
            shared = Shared(seed_estimates(port, key, bodies, 100))
            warm = Shared(shared.ids)
            if args.warmup:
                run_clients(port, key, warm, args.clients, args.warmup, bodies,
                            args.max_requests)
            print(f"{engine}; gunicorn {args.workers} sync workers; {args.clients} clients for "
                  f"{args.seconds:.0f} s; load average before {load_before:.2f}; "
                  f"mix (%): {', '.join(f'{k} {v}' for k, v in MIX.items())}")
            cpu = time.process_time()
            elapsed = run_clients(port, key, shared, args.clients, args.seconds, bodies,
                                  args.max_requests)
            errors = report(shared, elapsed, time.process_time() - cpu)
            print(f"load average after {os.getloadavg()[0]:.2f}")
            lost = nothing_lost(url, shared, warm)
        logged = Path(log).read_text()
        problems = [line for line in logged.splitlines()
                    if "Traceback" in line or "ERROR" in line or "WORKER TIMEOUT" in line]
        print(f"server log: {len(problems)} error lines")
        for line in problems[:10]:
            print("  " + line)
    sys.exit(1 if errors or problems or lost else 0)


if __name__ == "__main__":
    main()
