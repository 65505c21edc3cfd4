"""One database per test run (SQLite file, or TEST_DATABASE_URL), each test rolled back.

Only tests that use the app (or the engine fixture) get the database: the pure tests of
the pricing engine and of the 271 reader run without migrations or a connection.
"""
import os

import pytest
from sqlalchemy import text

from costapi import create_app, migrations
from costapi.db import Base, make_engine, session
from costapi.services.keys import create_key
from costapi.settings import TestConfig


def _reset_schema(engine, url):
    with engine.begin() as connection:
        Base.metadata.drop_all(connection)
        connection.execute(text("DROP TABLE IF EXISTS alembic_version"))
    migrations.upgrade(url)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    return os.environ.get("TEST_DATABASE_URL") or (
        f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite'}"
    )


@pytest.fixture(scope="session")
def engine(database_url):
    engine = make_engine(database_url)
    _reset_schema(engine, database_url)
    yield engine
    engine.dispose()


@pytest.fixture(scope="session")
def app(engine, database_url):
    class Config(TestConfig):
        DATABASE_URL = database_url

    return create_app(Config, engine=engine)


DATABASE_FIXTURES = {"app", "engine"}


@pytest.fixture(autouse=True)
def db_transaction(request):
    """Bind the app's session to a connection whose outer transaction is rolled back."""
    if "no_db_transaction" in request.keywords or not DATABASE_FIXTURES & set(
            request.fixturenames):
        yield None
        return
    engine = request.getfixturevalue("engine")
    connection = engine.connect()
    outer = connection.begin()
    session.remove()
    session.configure(bind=connection, join_transaction_mode="create_savepoint")
    yield connection
    session.remove()
    outer.rollback()
    connection.close()
    session.configure(bind=engine, join_transaction_mode="conditional_savepoint")


@pytest.fixture
def client(app):
    return app.test_client()


def _headers(role):
    _, secret = create_key(f"test {role}", role)
    return {"Authorization": f"Bearer {secret}"}


@pytest.fixture
def admin(app):
    with app.app_context():
        return _headers("admin")


@pytest.fixture
def billing(app):
    with app.app_context():
        return _headers("billing")


@pytest.fixture
def website(app):
    with app.app_context():
        return _headers("website")
