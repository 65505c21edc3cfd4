"""Import 1,000 remittance files of 20 claims each, then the accuracy report over 100,000
matched lines: prints files/s and the report's time.

Estimates: a few variants (Spravato 56 mg through Acme PPO, deductible met 0, 500, 1500)
are computed through the API, then copied in bulk under one patient reference each, so the
estimates cost nothing to time. Each claim remits one visit (4 lines) of one patient's
estimate: mostly as estimated, three claims in 5 with J0013 paid at 15.00/mg instead of 15.58
(rate drift), one in 20 denied for authorization (CO-197). The 835 text comes from a small
template here. Files past --files (to reach --report-lines matched lines) are imported
before the report, outside the import timing.

    .venv/bin/python -m bench.remittances [--files 1000] [--claims 20]
        [--report-lines 100000] [--database-url postgresql+psycopg://...]

Without --database-url it runs on a fresh SQLite file; a --database-url must be an empty
scratch database (`.venv/bin/python scripts/postgres_scratch.py costapi_remittances`).
"""
import sys
from pathlib import Path

if not __package__:  # run as a file: bench/ must not shadow the standard library's http
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse  # noqa: E402
import math  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
import uuid  # noqa: E402
from decimal import Decimal  # noqa: E402

import orjson  # noqa: E402
from sqlalchemy import func, insert, select  # noqa: E402

LINES_PER_CLAIM = 4  # J0013 x 56, 99214, 99415, 99416
VISITS_PER_PATIENT = 4
BENEFITS = {"plan_year_start": "2027-01-01", "deductible": "1500.00",
            "out_of_pocket_max": "5000.00", "out_of_pocket_met": "0.00",
            "coinsurance": "0.20", "copays": {"office_visit": "30.00"}}
DRIFT_PER_MG = Decimal("15.00")
ZERO = Decimal("0.00")


def variants(client, headers):
    """Estimate bodies for a few deductibles met, computed through the API."""
    bodies = []
    for met in ("0.00", "500.00", "1500.00"):
        request = {"plan": "spravato-56-commercial", "start_date": "2027-01-04",
                   "coverage": {"type": "insurance", "payer": "acme-ppo",
                                "benefits": {**BENEFITS, "deductible_met": met},
                                "diagnosis_codes": ["F33.2"],
                                "prior_authorization": "approved"}}
        response = client.post("/api/v1/estimates", json=request, headers=headers)
        assert response.status_code == 201, response.json
        bodies.append((request, response.json))
    return bodies


def store_patients(count, bodies):
    """One estimate per patient reference, copied from the variants in bulk."""
    from costapi.db import session
    from costapi.models import Estimate

    rows = []
    for n in range(count):
        request, body = bodies[n % len(bodies)]
        rows.append({"id": str(uuid.uuid4()), "plan_code": "spravato-56-commercial",
                     "start_date": body["visits"][0]["date"] and _day(body["start_date"]),
                     "patient_reference": f"P{n:07d}", "request": request,
                     "result": orjson.dumps(body).decode(), "rule_versions": {}})
        if len(rows) == 5000:
            session.execute(insert(Estimate), rows)
            rows = []
    if rows:
        session.execute(insert(Estimate), rows)
    session.commit()


def _day(text):
    from datetime import date

    return date.fromisoformat(text)


def _money(value):
    return f"{value:.2f}"


def claim_segments(number, patient, visit, kind):
    """One claim remitting `visit` (an estimate body's visit): as estimated, with J0013 at
    15.00/mg (`drift`), or denied for authorization (`denied`)."""
    segments, charge, paid, share = [], ZERO, ZERO, ZERO
    day = visit["date"].replace("-", "")
    for line in visit["lines"]:
        amount = Decimal(line["charge"])
        allowed = Decimal(line["allowed"])
        parts = [("1", Decimal(line["deductible"])), ("2", Decimal(line["coinsurance"])),
                 ("3", Decimal(line["copay"]))]
        if kind == "drift" and line["service"] == "J0013":
            allowed = DRIFT_PER_MG * line["units"]
            parts = [(code, min(value, allowed)) for code, value in parts]
        cas = []
        if kind == "denied":
            line_paid = ZERO
            cas.append(f"CAS*CO*197*{_money(amount)}")
        else:
            patient_share = sum((value for _, value in parts), ZERO)
            line_paid = allowed - patient_share
            pr = [f"{code}*{_money(value)}" for code, value in parts if value]
            if pr:
                cas.append("CAS*PR*" + "**".join(pr))
                share += patient_share
            cas.append(f"CAS*CO*45*{_money(amount - allowed)}")
        segments += [f"SVC*HC:{line['service']}*{_money(amount)}*{_money(line_paid)}**"
                     f"{line['units']}", f"DTM*472*{day}", *cas]
        charge += amount
        paid += line_paid
    head = [f"CLP*{patient}*{'4' if kind == 'denied' else '1'}*{_money(charge)}*"
            f"{_money(paid)}*{_money(share)}*12*{number}",
            f"NM1*QC*1*PATIENT*BENCH****MI*M{patient}"]
    return head + segments, paid


def file_text(control, claims):
    """The 835 around `claims` ((segments, paid) pairs)."""
    total = sum((paid for _, paid in claims), ZERO)
    body = ["ST*835*0001*005010X221A1",
            f"BPR*I*{_money(total)}*C*ACH*CCP*01*999999999*DA*123456*1512345678**01*"
            "999988880*DA*98765*20270301", f"TRN*1*{control}*1512345678", "DTM*405*20270301",
            "N1*PR*ACME HEALTH PPO*XV*60054", "N3*1 INSURANCE WAY", "N4*HARTFORD*CT*06101",
            "N1*PE*EXAMPLE KETAMINE CLINIC*XX*1999999984", "LX*1"]
    for segments, _ in claims:
        body += segments
    body.append(f"SE*{len(body) + 1}*0001")
    return "~".join([
        f"ISA*00*          *00*          *ZZ*{'ACMEHEALTH':<15}*ZZ*{'EXAMPLECLINIC':<15}*"
        f"270301*1200*^*00501*{control:09d}*0*P*:",
        "GS*HP*ACMEHEALTH*EXAMPLECLINIC*20270301*1200*1*X*005010X221A1", *body, "GE*1*1",
        f"IEA*1*{control:09d}"]) + "~"


def files(count, claims_per_file, patients, bodies, first_claim=0):
    texts = []
    for f in range(count):
        claims = []
        for c in range(claims_per_file):
            n = first_claim + f * claims_per_file + c
            patient, visit = n % patients, n // patients % VISITS_PER_PATIENT
            kind = "denied" if n % 20 == 7 else "drift" if n % 5 in (1, 2, 3) else "paid"
            body = bodies[patient % len(bodies)][1]
            claims.append(claim_segments(f"ACME{n:09d}", f"P{patient:07d}",
                                         body["visits"][visit], kind))
        texts.append(file_text(first_claim // claims_per_file + f + 1, claims))
    return texts


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=1000)
    parser.add_argument("--claims", type=int, default=20, help="claims per file")
    parser.add_argument("--report-lines", type=int, default=100_000,
                        help="matched lines the accuracy report runs over (at least)")
    parser.add_argument("--database-url")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(args, args.database_url or f"sqlite:///{tmp}/remittances.sqlite")


def run(args, url):
    from costapi import create_app, migrations
    from costapi.db import session
    from costapi.fixtures import load_fixtures
    from costapi.models.remittances import RemittanceLine
    from costapi.services import accuracy, remittances
    from costapi.services.keys import create_key
    from costapi.settings import Config

    class BenchConfig(Config):
        DATABASE_URL = url
        LOG_LEVEL = "WARNING"

    migrations.upgrade(url)
    app = create_app(BenchConfig)
    timed_claims = args.files * args.claims
    extra = max(0, math.ceil((args.report_lines - timed_claims * LINES_PER_CLAIM)
                             / (args.claims * LINES_PER_CLAIM)))
    total_claims = (args.files + extra) * args.claims
    patients = max(1, math.ceil(total_claims / VISITS_PER_PATIENT))
    with app.app_context():
        load_fixtures()
        _, secret = create_key("bench", "billing")
        bodies = variants(app.test_client(), {"Authorization": f"Bearer {secret}"})
        store_patients(patients, bodies)
        print(f"{url.split(':')[0]} database, Python {sys.version.split()[0]}; "
              f"{patients:,} stored estimates")
        texts = files(args.files, args.claims, patients, bodies)
        later = files(extra, args.claims, patients, bodies, timed_claims)
        size = sum(map(len, texts)) / max(len(texts), 1)
        session.commit()

        began = time.perf_counter()
        matched = 0
        for text in texts:
            remittance, created = remittances.import_file(text)
            assert created
            matched += remittance.lines_matched
        seconds = time.perf_counter() - began
        print(f"imported {len(texts):,} files of {args.claims} claims ({size / 1024:.0f} KB "
              f"each, {timed_claims * LINES_PER_CLAIM:,} lines, {matched:,} matched): "
              f"{seconds:.1f} s = {len(texts) / seconds:,.1f} files/s "
              f"({timed_claims / seconds:,.0f} claims/s)")
        for text in later:
            remittances.import_file(text)
        lines = session.scalar(select(func.count()).select_from(RemittanceLine)
                               .where(RemittanceLine.estimate_id.is_not(None)))
        session.commit()
        session.expunge_all()

        began = time.perf_counter()
        report = accuracy.accuracy()
        seconds = time.perf_counter() - began
        drift = [(item["service"], str(item["median_per_unit"]), str(item["difference_percent"]))
                 for item in report["rate_drift"]]
        print(f"accuracy report over {lines:,} matched lines "
              f"({report['claims']['matched']:,} claims): {seconds:.2f} s")
        print(f"  accurate share {report['claims']['accurate_share']}, mean absolute "
              f"difference {report['mean_absolute_difference']}, drift {drift}, "
              f"{sum(item['lines'] for item in report['unforeseen_denials']):,} unforeseen "
              f"denied lines")


if __name__ == "__main__":
    main()
