"""Make sure the local PostgreSQL answers, create a fresh scratch database, print its URL.

Used by .ci/run (CI=true). Exits non-zero when PostgreSQL cannot be reached: the CI run
must fail, not skip, without it.
"""
import glob
import os
import subprocess
import sys
import time

import psycopg

HOST = os.environ.get("PGHOST", "127.0.0.1")
PORT = os.environ.get("PGPORT", "5432")
USER = os.environ.get("PGUSER", "postgres")
NAME = sys.argv[1] if len(sys.argv) > 1 else "costapi_test"


def connect():
    return psycopg.connect(host=HOST, port=PORT, user=USER, dbname="test", autocommit=True,
                           connect_timeout=3)


def reachable():
    try:
        connect().close()
        return True
    except psycopg.OperationalError:
        return False


def start_local_cluster():
    for version in sorted(os.path.basename(p) for p in glob.glob("/etc/postgresql/*")):
        subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", version, "main", "start"],
                       check=False)


if not reachable():
    print("PostgreSQL is down: starting the local cluster", file=sys.stderr)
    start_local_cluster()
    for _ in range(30):
        if reachable():
            break
        time.sleep(1)
    else:
        sys.exit(f"PostgreSQL at {HOST}:{PORT} cannot be reached")

with connect() as connection:
    connection.execute(f'DROP DATABASE IF EXISTS "{NAME}" WITH (FORCE)')
    connection.execute(f'CREATE DATABASE "{NAME}"')
print(f"postgresql+psycopg://{USER}@{HOST}:{PORT}/{NAME}")
