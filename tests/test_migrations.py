"""Migrations upgrade to head and downgrade to base on a scratch database, and match the models."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.engine import make_url

from costapi import migrations
from costapi.db import Base, make_engine

pytestmark = pytest.mark.no_db_transaction


@pytest.fixture
def scratch_url(database_url, tmp_path):
    """A database of its own: a new SQLite file, or a PostgreSQL database beside the test one."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    name = f"{url.database}_migrations"
    admin = make_engine(database_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}"'))
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    yield url.set(database=name).render_as_string(hide_password=False)
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _tables(url):
    engine = make_engine(url)
    try:
        return set(inspect(engine).get_table_names())
    finally:
        engine.dispose()


def test_upgrade_to_head_then_downgrade_to_base(scratch_url):
    migrations.upgrade(scratch_url)
    assert {"services", "plans", "payers", "rates", "policies", "programs", "discounts",
            "api_keys"} <= _tables(scratch_url)
    migrations.downgrade(scratch_url, "base")
    assert _tables(scratch_url) <= {"alembic_version"}
    migrations.upgrade(scratch_url)
    assert "services" in _tables(scratch_url)


def test_the_migrations_match_the_models(scratch_url):
    migrations.upgrade(scratch_url)
    engine = make_engine(scratch_url)
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        assert compare_metadata(context, Base.metadata) == []
    engine.dispose()
