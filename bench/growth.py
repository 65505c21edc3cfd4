"""How cost grows with plan length and with data size (prints tables; not a test).

1. The engine alone: daily IV plans of 10, 40, 100 and 366 visits (3 lines a visit).
2. In-process requests (Flask test client, no HTTP server, one process) on one database
   while it grows: preview latency with 10 and 1,000 payers (about 100 and 10,000 rates),
   with a payer of 2,000 rates and with 10,000 superseded rate rows; list and read
   latency with 100, 10,000 and 100,000 stored estimates. "cold" is the first request after
   a rule change (the rules it names are read again), "warm" every later one.

    .venv/bin/python -m bench.growth [--database-url URL] [--skip-engine]

Without --database-url it runs on a fresh SQLite file; a --database-url must be an empty
scratch database (`.venv/bin/python scripts/postgres_scratch.py costapi_growth`).
"""
import sys
from pathlib import Path

if not __package__:  # run as a file: bench/ must not shadow the standard library's http
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse  # noqa: E402
import statistics  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from datetime import UTC, date, datetime, timedelta  # noqa: E402
from decimal import Decimal  # noqa: E402

from sqlalchemy import func, insert, select  # noqa: E402

PREVIEW = {
    "plan": "spravato-56-commercial", "start_date": "2027-01-04",
    "coverage": {"type": "insurance", "payer": "acme-ppo", "network": "in",
                 "benefits": {"plan_year_start": "2027-01-01", "deductible": "1500.00",
                              "out_of_pocket_max": "5000.00", "coinsurance": "0.20",
                              "copays": {"office_visit": "30.00"}},
                 "diagnosis_codes": ["F33.2"], "prior_authorization": "approved",
                 "programs": ["spravato-savings"]},
}


def median_ms(run, times):
    spent = []
    for _ in range(times):
        began = time.perf_counter()
        run()
        spent.append(time.perf_counter() - began)
    return statistics.median(spent) * 1000


def engine_growth():
    from bench.engine import INSURANCE, SERVICES, daily_plan
    from costapi.pricing import EstimateInput, as_dict, estimate

    print("engine (pricing.estimate, one core): daily IV plan, 3 lines a visit, "
          "commercial in network")
    print(f"{'visits':>7} {'lines':>6} {'median ms':>10} {'us/visit':>9} {'+ as_dict ms':>13}")
    for visits in (10, 40, 100, 366):
        inp = EstimateInput(daily_plan(visits), SERVICES, date(2027, 1, 4), INSURANCE)
        result = estimate(inp)
        lines = sum(len(v.lines) for v in result.visits)
        rounds = max(5, 2000 // visits)
        for _ in range(3):
            estimate(inp)
        alone = median_ms(lambda inp=inp: estimate(inp), rounds)
        dumped = median_ms(lambda inp=inp: as_dict(estimate(inp)), rounds)
        print(f"{len(result.visits):7} {lines:6} {alone:10.3f} {alone / visits * 1000:9.1f}"
              f" {dumped:13.3f}")
    print()


class Bench:
    """The app, an admin key and the measurements of one database."""

    def __init__(self, url):
        from costapi import create_app, migrations
        from costapi.settings import Config

        class BenchConfig(Config):
            DATABASE_URL = url
            LOG_LEVEL = "WARNING"
            RATELIMIT_ENABLED = False

        migrations.upgrade(url)
        self.app = create_app(BenchConfig)
        self.client = self.app.test_client()
        with self.app.app_context():
            from costapi.db import session
            from costapi.fixtures import load_fixtures
            from costapi.models import Estimate
            from costapi.services.keys import create_key

            if session.scalar(select(func.count()).select_from(Estimate)):
                sys.exit("the database holds estimates: give an empty scratch database")
            load_fixtures()
            _, secret = create_key("bench", "admin")
        self.headers = {"Authorization": f"Bearer {secret}"}

    def get(self, path):
        response = self.client.get(path, headers=self.headers)
        assert response.status_code == 200, (path, response.status_code)
        return response

    def post(self, path, body, status=200):
        response = self.client.post(path, json=body, headers=self.headers)
        assert response.status_code == status, (path, response.get_json())
        return response

    def cold(self, run, times=15):
        """Median ms of `run` right after this process forgot the rules (as after a change)."""
        from costapi.services import rule_cache

        def forget_then_run():
            rule_cache._current = rule_cache.Snapshot(None)
            run()

        return median_ms(forget_then_run, times)

    def counts(self):
        from costapi.db import session
        from costapi.models import Estimate, Payer, Rate

        with self.app.app_context():
            live = Payer.superseded_at.is_(None)
            return {
                "payers": session.scalar(select(func.count()).where(live)),
                "rates": session.scalar(select(func.count()).where(Rate.superseded_at.is_(None))),
                "superseded rates": session.scalar(select(func.count()).where(
                    Rate.superseded_at.is_not(None))),
                "estimates": session.scalar(select(func.count()).select_from(Estimate)),
            }

    def rules_row(self, label):
        preview = lambda: self.post("/api/v1/estimates/preview", PREVIEW)  # noqa: E731
        public = lambda: self.get("/api/v1/public/payers")  # noqa: E731
        figures = (
            self.cold(preview), median_ms(preview, 40),
            self.cold(public, 5), median_ms(public, 40),
            median_ms(lambda: self.get("/api/v1/payers?page_size=10"), 20),
        )
        counts = self.counts()
        print(f"{label:34} {counts['payers']:6} {counts['rates']:6} {counts['superseded rates']:6}"
              + "".join(f" {value:9.2f}" for value in figures))

    def estimates_row(self, ids):
        counts = self.counts()["estimates"]
        middle = max(1, counts // 2 // 20)
        reference = f"MRN-{len(ids) // 2:07d}"
        figures = (
            median_ms(lambda: self.get("/api/v1/estimates?page_size=20"), 30),
            median_ms(lambda: self.get(f"/api/v1/estimates?page_size=20&page={middle}"), 15),
            median_ms(lambda: self.get(f"/api/v1/estimates?patient_reference={reference}"), 30),
            median_ms(lambda: self.get(f"/api/v1/estimates/{ids[len(ids) // 2]}"), 30),
            median_ms(lambda: self.post("/api/v1/estimates", PREVIEW, 201), 30),
        )
        print(f"{counts:10}" + "".join(f" {value:11.2f}" for value in figures))


def add_payers(bench, up_to, rates_each=10):
    """Copies of Acme PPO (rates and policies) until `up_to` live payers; then a rule change."""
    from costapi.db import session
    from costapi.models import Payer, Policy, Rate
    from costapi.services import rule_cache

    with bench.app.app_context():
        model = session.scalar(select(Payer).where(Payer.code == "acme-ppo",
                                                   Payer.superseded_at.is_(None)))
        rates = session.scalars(select(Rate).where(Rate.payer_code == "acme-ppo",
                                                   Rate.superseded_at.is_(None))).all()
        policies = session.scalars(select(Policy).where(Policy.payer_code == "acme-ppo",
                                                        Policy.superseded_at.is_(None))).all()
        have = session.scalar(select(func.count()).where(Payer.superseded_at.is_(None)))
        now = datetime.now(UTC)
        codes = [f"payer-{i:05d}" for i in range(have, up_to)]
        session.execute(insert(Payer), [
            {"code": code, "name": f"Payer {code}", "kind": "commercial", "version": 1,
             "created_at": now, "default_allowed_percent": model.default_allowed_percent,
             "out_of_network_allowed_percent": model.out_of_network_allowed_percent}
            for code in codes])
        session.execute(insert(Rate), [
            {"payer_code": code, "service": rate.service, "allowed": rate.allowed,
             "effective_from": rate.effective_from, "effective_to": rate.effective_to,
             "created_at": now}
            for code in codes for rate in rates[:rates_each]])
        session.execute(insert(Policy), [
            {"payer_code": code, "created_at": now,
             **{key: getattr(policy, key) for key in (
                 "modality", "service", "category", "covered", "reason", "prior_authorization",
                 "diagnosis_codes", "max_visits_per_year", "effective_from", "effective_to")}}
            for code in codes for policy in policies])
        rule_cache.changed()
        session.commit()
    analyze(bench)


def analyze(bench):
    """PostgreSQL: fresh planner statistics after a bulk insert (autovacuum's job in use)."""
    from sqlalchemy import text

    from costapi.db import session

    with bench.app.app_context():
        if session.get_bind().dialect.name == "postgresql":
            session.execute(text("ANALYZE"))
            session.commit()


def add_rate_history(bench, count, superseded=False):
    """`count` past J0013 rates of Acme PPO, one day each before 2026 (or superseded rows)."""
    from costapi.db import session
    from costapi.models import Rate
    from costapi.services import rule_cache

    with bench.app.app_context():
        now = datetime.now(UTC)
        last = date(2025, 12, 31)
        session.execute(insert(Rate), [
            {"payer_code": "acme-ppo", "service": "J0013",
             "allowed": Decimal("11.0000") + Decimal(i % 90) / 100,
             "effective_from": last - timedelta(days=i), "effective_to": last - timedelta(days=i),
             "created_at": now, "superseded_at": now if superseded else None}
            for i in range(count)])
        rule_cache.changed()
        session.commit()
    analyze(bench)


def add_estimates(bench, up_to, ids):
    """Copies of a stored estimate (new ids, a spread of days, a patient reference each)."""
    from costapi.db import session
    from costapi.models import Estimate

    with bench.app.app_context():
        if not ids:
            bench.post("/api/v1/estimates", PREVIEW, 201)
        model = session.scalars(select(Estimate).limit(1)).one()
        have = session.scalar(select(func.count()).select_from(Estimate))
        first = datetime(2026, 1, 1, tzinfo=UTC)
        for start in range(have, up_to, 5000):
            rows = []
            for i in range(start, min(up_to, start + 5000)):
                estimate_id = str(uuid.uuid4())
                ids.append(estimate_id)
                rows.append({"id": estimate_id, "created_at": first + timedelta(minutes=i),
                             "plan_code": model.plan_code, "start_date": model.start_date,
                             "patient_reference": f"MRN-{i:07d}", "request": model.request,
                             "result": model.result, "rule_versions": model.rule_versions,
                             "recalculated_from": None, "api_key_id": None})
            session.execute(insert(Estimate), rows)
            session.commit()
    analyze(bench)


def data_growth(url):
    bench = Bench(url)
    print(f"data size ({url.split(':')[0]}; in-process Flask test client; median ms)")
    print(f"{'rule data':34} {'payers':>6} {'rates':>6} {'supers':>6} {'preview':>9}"
          f" {'preview':>9} {'public':>9} {'public':>9} {'payers':>9}")
    print(f"{'':34} {'':6} {'':6} {'eded':>6} {'cold':>9} {'warm':>9} {'payers':>9}"
          f" {'payers':>9} {'page 1':>9}")
    print(f"{'':34} {'':6} {'':6} {'':6} {'':9} {'':9} {'cold':>9} {'warm':>9}")
    add_payers(bench, 10)
    bench.rules_row("10 payers")
    add_payers(bench, 1000)
    bench.rules_row("1,000 payers")
    add_rate_history(bench, 1990)
    bench.rules_row("+ Acme PPO: 2,000 J0013 rates")
    add_rate_history(bench, 10_000, superseded=True)
    bench.rules_row("+ Acme PPO: 10,000 superseded rates")
    print()
    print(f"{'estimates':>10} {'list p.1':>11} {'list mid':>11} {'by patient':>11}"
          f" {'read by id':>11} {'POST stored':>11}")
    ids = []
    for size in (100, 10_000, 100_000):
        add_estimates(bench, size, ids)
        bench.estimates_row(ids)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--database-url")
    parser.add_argument("--skip-engine", action="store_true")
    args = parser.parse_args()
    print(f"Python {sys.version.split()[0]}")
    if not args.skip_engine:
        engine_growth()
    with tempfile.TemporaryDirectory() as tmp:
        data_growth(args.database_url or f"sqlite:///{tmp}/growth.sqlite")


if __name__ == "__main__":
    main()
