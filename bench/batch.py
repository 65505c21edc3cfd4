"""Recalculate 10,000 stored estimates after a payer rate change, on one core (target: >= 500/s).

Stores N varied estimates (plans, payers, self-pay, start dates, benefits) through the
service layer in bulk, changes Acme PPO's J0013 rate, then recalculates every stored
estimate with `costapi.services.recalculation` (what `flask estimates recalculate` runs) in
this one process, pinned to one CPU. Prints estimates/s, the engine's own speed over the same
inputs (the ceiling) and the ratio, and the one-by-one path of POST /estimates/{id}/recalculate
on a sample for comparison.

    .venv/bin/python -m bench.batch [--estimates 10000] [--chunk-size 500] [--single 1000]
        [--database-url postgresql+psycopg://postgres@127.0.0.1:5432/costapi_batch]

Without --database-url it runs on a fresh SQLite file; a --database-url must be an empty
scratch database (`.venv/bin/python scripts/postgres_scratch.py costapi_batch`).
"""
import sys
from pathlib import Path

if not __package__:  # run as a file: bench/ must not shadow the standard library's http
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse  # noqa: E402
import gc  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from datetime import date, timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

import orjson  # noqa: E402
from sqlalchemy import func, select  # noqa: E402

CHANGED_PAYER, CHANGED_SERVICE = "acme-ppo", "J0013"
NEW_RATE = Decimal("11.5000")
BENEFITS = {"plan_year_start": "2026-01-01", "deductible": "1500.00", "deductible_met": "0.00",
            "out_of_pocket_max": "5000.00", "out_of_pocket_met": "0.00", "coinsurance": "0.20",
            "copays": {"office_visit": "30.00"}}
INSURED = (  # plan, payer, extra coverage fields
    ("spravato-56-commercial", "acme-ppo", {"programs": ["spravato-savings"]}),
    ("spravato-84-commercial", "acme-ppo", {}),
    ("spravato-56-commercial", "bluestate-hmo", {}),
    ("spravato-84-commercial", "state-medicaid", {}),
    ("spravato-56-medicare", "medicare-b", {}),
    ("spravato-84-medicare", "summit-ma", {}),
    ("ketamine-iv-6", "acme-ppo", {}),
    ("kap-im", "bluestate-hmo", {"network": "out"}),
)
SELF_PAY = (
    ("ketamine-iv-6", {"discounts": ["iv-induction-package"]}),
    ("kap-im", {"household_income": "30000.00", "household_size": 3,
                "discounts": ["sliding-scale"]}),
    ("spravato-56-commercial", {}),
)


def requests(count, seed=7):
    """`count` valid estimate requests: plans x coverage x start dates x benefits, 1 in 3 with
    a patient reference; about a third are Acme PPO's."""
    rng = random.Random(seed)
    first = date(2026, 1, 5)
    out = []
    for i in range(count):
        start = (first + timedelta(days=rng.randrange(0, 540))).isoformat()
        if i % 5 == 4:
            plan, extra = SELF_PAY[rng.randrange(len(SELF_PAY))]
            body = {"plan": plan, "start_date": start, "coverage": {"type": "self_pay", **extra}}
        else:
            plan, payer, extra = INSURED[rng.randrange(len(INSURED))]
            benefits = {**BENEFITS, "plan_year_start": f"{start[:4]}-01-01",
                        "deductible_met": f"{rng.randrange(0, 1500)}.00"}
            body = {"plan": plan, "start_date": start, "coverage": {
                "type": "insurance", "payer": payer, "network": "in", "benefits": benefits,
                "diagnosis_codes": ["F33.2"], "prior_authorization": "approved", **extra}}
        if plan.startswith("spravato") and rng.random() < 0.5:
            body["phases"] = {"maintenance": {"sessions": rng.randrange(6, 23)}}
        if i % 3 == 0:
            body["patient"] = {"reference": f"MRN-{i:06d}"}
        out.append(body)
    return out


def pin_to_one_core():
    cpu = max(os.sched_getaffinity(0))
    os.sched_setaffinity(0, {cpu})
    return cpu


def store_estimates(bodies, load, chunk_size):
    """Compute and bulk-insert estimates through the service layer; seconds taken."""
    from costapi.db import session
    from costapi.services import estimates, recalculation

    began = time.perf_counter()
    for first in range(0, len(bodies), chunk_size):
        rows = []
        for raw in bodies[first:first + chunk_size]:
            request = load(raw)
            rows.append(recalculation.new_row(request, raw, estimates.compute(request)))
        recalculation.store(rows)
        session.commit()
    return time.perf_counter() - began


def change_rate():
    """An admin's rate change, through the same service as PUT /payers/{code}."""
    from costapi.api.payers import PayerSchema
    from costapi.services.payers import payers, view

    row = payers.get(CHANGED_PAYER)
    data = PayerSchema().load(PayerSchema().dump(view(row)))
    old = None
    for rate in data["rates"]:
        if rate["service"] == CHANGED_SERVICE and rate["effective_to"] is None:
            old, rate["allowed"] = rate["allowed"], NEW_RATE
    new = payers.replace(CHANGED_PAYER, data, expected_version=row.version)
    return old, row.version, new.version


def engine_inputs(ids, load):
    """The engine's input of each stored request with today's rules (outside any timing)."""
    from costapi.db import session
    from costapi.models import Estimate
    from costapi.services.estimate_rules import engine_input, load_rules

    inputs = []
    for first in range(0, len(ids), 1000):
        chunk = ids[first:first + 1000]
        for raw in session.scalars(select(Estimate.request).where(Estimate.id.in_(chunk))):
            request = load(raw)
            inputs.append(engine_input(request, load_rules(request)))
    return inputs


def engine_speed(inputs):
    """Estimates per second of the engine alone over `inputs`."""
    from costapi import pricing

    began = time.perf_counter()
    for item in inputs:
        pricing.estimate(item)
    return len(inputs) / (time.perf_counter() - began)


def check_one(load):
    """A recalculated Acme PPO estimate's first drug line follows the new rate."""
    from costapi.db import session
    from costapi.models import Estimate

    new = session.scalars(select(Estimate).where(Estimate.recalculated_from.is_not(None))
                          .order_by(Estimate.created_at)).all()
    for row in new:
        if (row.request["coverage"].get("payer") == CHANGED_PAYER
                and row.plan_code == "spravato-56-commercial"):
            line = orjson.loads(row.result)["visits"][0]["lines"][0]
            expected = f"{NEW_RATE * line['units']:.2f}"
            assert line["service"] == CHANGED_SERVICE and line["allowed"] == expected, line
            return f"first drug line of {row.id[:8]}: {line['units']} x {NEW_RATE} = {expected}"
    raise AssertionError("no recalculated Acme PPO estimate")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--estimates", type=int, default=10_000)
    parser.add_argument("--chunk-size", type=int, default=500)
    parser.add_argument("--single", type=int, default=1000,
                        help="estimates recalculated one by one for comparison (0: none)")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(args, args.database_url or f"sqlite:///{tmp}/batch.sqlite")


def run(args, url):
    from costapi import create_app, migrations
    from costapi.api.estimate_requests import EstimateRequestSchema
    from costapi.db import session
    from costapi.fixtures import load_fixtures
    from costapi.models import Estimate
    from costapi.services import estimates, recalculation
    from costapi.settings import Config

    class BenchConfig(Config):
        DATABASE_URL = url
        LOG_LEVEL = "WARNING"

    cpu = pin_to_one_core()
    migrations.upgrade(url)
    app = create_app(BenchConfig)
    load = EstimateRequestSchema().load
    with app.app_context():
        if session.scalar(select(func.count()).select_from(Estimate)):
            sys.exit("the database holds estimates: give an empty scratch database")
        load_fixtures()
        print(f"{url.split(':')[0]} database, one process pinned to CPU {cpu}, "
              f"Python {sys.version.split()[0]}")

        bodies = requests(args.estimates)
        seconds = store_estimates(bodies, load, args.chunk_size)
        print(f"stored {len(bodies):,} estimates through the service layer in bulk: "
              f"{seconds:.1f} s ({len(bodies) / seconds:,.0f}/s)")

        old, before, after = change_rate()
        print(f"rule change: {CHANGED_PAYER} {CHANGED_SERVICE} {old} -> {NEW_RATE} "
              f"(payer version {before} -> {after})")

        ids = recalculation.latest()
        engine_before = engine_speed(engine_inputs(ids, load))
        session.commit()
        session.expunge_all()
        gc.collect()

        began = time.perf_counter()
        outcome = recalculation.recalculate(load, chunk_size=args.chunk_size)
        batch = time.perf_counter() - began
        assert outcome.recalculated == len(bodies) and not outcome.failed, outcome
        rate = outcome.recalculated / batch
        print(f"batch recalculation ({outcome.recalculated:,} estimates, chunks of "
              f"{args.chunk_size}, one commit each): {batch:.2f} s = {rate:,.0f} estimates/s "
              f"(target >= 500)")
        print(f"  checked: {check_one(load)}")

        engine_after = engine_speed(engine_inputs(ids, load))
        engine = max(engine_before, engine_after)
        print(f"engine only (pricing.estimate over the same {len(ids):,} inputs, before and after "
              f"the batch): {engine_before:,.0f} and {engine_after:,.0f} estimates/s; "
              f"batch / engine = {rate / engine:.0%} (of the faster)")

        if args.single:
            sample = recalculation.latest()[:args.single]
            began = time.perf_counter()
            for estimate_id in sample:
                estimates.recalculate(estimate_id, load, None)
            single = len(sample) / (time.perf_counter() - began)
            print(f"one by one (services.estimates.recalculate, one transaction each, "
                  f"{len(sample):,}): {single:,.0f} estimates/s")
        total = session.scalar(select(func.count()).select_from(Estimate))
        print(f"estimates stored in the end: {total:,}")


if __name__ == "__main__":
    main()
