"""Requests/s of POST /api/v1/estimates/preview (12-month esketamine plan) against GET /health,
on one gunicorn server (1 sync worker) in one run; prints the ratio (target: >= 25%).

    .venv/bin/python -m bench.http [--seconds 10] [--clients 4]
"""
import sys
from pathlib import Path

if not __package__:  # run as a file: bench/ must not shadow the standard library's http
    sys.path[0] = str(Path(__file__).resolve().parents[1])

import argparse  # noqa: E402

from bench.common import call, load, percentile, server  # noqa: E402

PREVIEW = {
    "plan": "spravato-56-commercial", "start_date": "2027-01-04",
    "phases": {"maintenance": {"sessions": 22}},  # 8 + 4 + 22 = 34 visits over ~12 months
    "coverage": {
        "type": "insurance", "payer": "acme-ppo", "network": "in",
        "benefits": {"plan_year_start": "2027-01-01", "deductible": "1500.00",
                     "out_of_pocket_max": "5000.00", "coinsurance": "0.20",
                     "copays": {"office_visit": "30.00"}},
        "diagnosis_codes": ["F33.2"], "prior_authorization": "approved",
        "programs": ["spravato-savings"]},
}


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--clients", type=int, default=4)
    args = parser.parse_args()
    with server(workers=1) as (port, key):
        results = {}
        for name, request in (
            ("GET /health", lambda c: call(c, "GET", "/health")),
            ("POST /api/v1/estimates/preview",
             lambda c: call(c, "POST", "/api/v1/estimates/preview", key, PREVIEW)),
        ):
            load(port, request, args.clients, 1.0)  # warm up
            rate, latencies, errors = load(port, request, args.clients, args.seconds)
            results[name] = rate
            print(f"{name:34} {rate:8.1f} req/s  p50 {percentile(latencies, 50) * 1000:6.1f} ms"
                  f"  p99 {percentile(latencies, 99) * 1000:6.1f} ms  errors {errors}")
        ratio = results["POST /api/v1/estimates/preview"] / results["GET /health"]
        print(f"preview / health: {ratio:.0%} (target >= 25%)")


if __name__ == "__main__":
    main()
