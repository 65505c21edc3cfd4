"""Fault tests run on scratch databases (never the suite's rolled-back transaction), so that
several connections, threads or processes can work on them for real."""
import time
from contextlib import contextmanager

import psycopg
import pytest
from sqlalchemy import make_url

from costapi import create_app, migrations
from costapi.db import make_engine, session
from costapi.fixtures import load_fixtures
from costapi.services import rule_cache
from costapi.services.keys import create_key
from costapi.settings import TestConfig

ROLES = ("admin", "billing", "website")


def is_postgres(url):
    return url.startswith("postgresql")


def _server(url):
    """An autocommit connection to the suite database's server (to create and drop others)."""
    url = make_url(url)
    return psycopg.connect(host=url.host or "127.0.0.1", port=url.port or 5432,
                           user=url.username, password=url.password, dbname=url.database,
                           autocommit=True, connect_timeout=5)


@contextmanager
def scratch_database(database_url, directory, name):
    """A new, empty database beside the suite's: a SQLite file in `directory`, or a database of
    the same PostgreSQL server (dropped afterwards). Yields its URL."""
    if not is_postgres(database_url):
        yield f"sqlite:///{directory / f'{name}.sqlite'}"
        return
    url = make_url(database_url)
    scratch = f"{url.database}_{name}"[:63]
    with _server(database_url) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')
        connection.execute(f'CREATE DATABASE "{scratch}"')
    try:
        yield url.set(database=scratch).render_as_string(hide_password=False)
    finally:
        with _server(database_url) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{scratch}" WITH (FORCE)')


def prepare(url):
    """Migrate and seed the database at `url`; API keys by role (their secrets)."""
    migrations.upgrade(url)
    with app_on(url) as (app, _engine), app.app_context():
        load_fixtures()
        return {role: create_key(f"faults {role}", role)[1] for role in ROLES}


@contextmanager
def app_on(url, engine=None, **settings):
    """create_app over `url` (or over `engine`); the session is bound back as it was after."""
    previous = {key: session.session_factory.kw.get(key)
                for key in ("bind", "join_transaction_mode")}
    engine = engine or make_engine(url)
    config = type("FaultConfig", (TestConfig,), {"DATABASE_URL": url, **settings})
    app = create_app(config, engine=engine)
    session.remove()
    session.configure(bind=engine, join_transaction_mode="conditional_savepoint")
    try:
        yield app, engine
    finally:
        session.remove()
        session.configure(**previous)
        rule_cache._current = rule_cache.Snapshot(None)  # read under another database
        engine.dispose()


def bearer(secret):
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def scratch(database_url, tmp_path, request):
    """A migrated and seeded scratch database named after the test: (url, keys by role)."""
    name = "f_" + request.node.name.split("[")[0].removeprefix("test_")[:40]
    with scratch_database(database_url, tmp_path, name) as url:
        yield url, prepare(url)


class Timer:
    """`with Timer() as t: ...` then t.seconds."""

    def __enter__(self):
        self.started = time.monotonic()
        return self

    def __exit__(self, *exc):
        self.seconds = time.monotonic() - self.started


@pytest.fixture
def seeded(app):
    """The seed data in the suite's database, rolled back after the test."""
    with app.app_context():
        load_fixtures()
