"""Engine, session and declarative base."""
from flask import has_request_context, request
from sqlalchemy import MetaData, create_engine, event, make_url
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker

from costapi.settings import Config

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


session = scoped_session(sessionmaker(expire_on_commit=False))
READ_ONLY_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def _sqlite_begin_statement():
    """BEGIN IMMEDIATE for a request that may write, else BEGIN.

    A deferred SQLite transaction that has read and then writes after another connection
    committed fails at once with "database is locked" (SQLITE_BUSY_SNAPSHOT, no busy wait):
    two writers of one payer would get 200 and 503 rather than 200 and 412, and concurrent
    estimates would fail now and then. Taking the write lock at BEGIN queues writers behind
    each other (busy timeout 30 s); reads (GET) still run beside them (WAL).
    """
    if has_request_context() and request.method not in READ_ONLY_METHODS:
        return "BEGIN IMMEDIATE"
    return "BEGIN"


def make_engine(url, connect_timeout=None, **kwargs):
    """Create an engine; SQLite gets real transactions, a busy timeout and foreign keys.

    PostgreSQL connections are checked before use (pool_pre_ping) and give up connecting after
    `connect_timeout` seconds (DATABASE_CONNECT_TIMEOUT; psycopg's own default is 130 s), so an
    unreachable database is a prompt 503, not a request that hangs past gunicorn's timeout.
    Statement parameters (patient data) never appear in exception messages or logs.
    """
    kwargs.setdefault("hide_parameters", True)
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30}, **kwargs)

        @event.listens_for(engine, "connect")
        def _sqlite_connect(dbapi_connection, _record):
            # pysqlite's own transaction handling breaks SAVEPOINT (SQLAlchemy docs):
            # let SQLAlchemy emit BEGIN itself.
            dbapi_connection.isolation_level = None
            cursor = dbapi_connection.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn):
            conn.exec_driver_sql(_sqlite_begin_statement())

        return engine
    connect_args = dict(kwargs.pop("connect_args", {}))
    if "connect_timeout" not in make_url(url).query:
        connect_args.setdefault("connect_timeout",
                                connect_timeout or Config.DATABASE_CONNECT_TIMEOUT)
    return create_engine(url, pool_pre_ping=True, connect_args=connect_args, **kwargs)
