"""costapi: out-of-pocket cost estimates for ketamine and esketamine therapy.

Importing the package loads nothing else, so `costapi.pricing` stays free of Flask.
"""
import logging
from pathlib import Path


def database_url(app):
    if app.config.get("DATABASE_URL"):
        return app.config["DATABASE_URL"]
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{Path(app.instance_path) / 'costapi.sqlite'}"


UNAVAILABLE = "The database is unavailable; try again shortly."
INTERNAL = "Internal error; it has been logged."
RETRY_SECONDS = "5"


def _json_error(code, message):
    """An error body of the contract (api/errors.py's shape), built without Flask."""
    import json
    from http import HTTPStatus

    phrase = HTTPStatus(code).phrase
    return json.dumps({"code": code, "status": phrase,
                       "error": phrase.lower().replace(" ", "_"),
                       "message": message}).encode()


def _database_failure(error):
    from sqlalchemy.exc import SQLAlchemyError

    return isinstance(error, SQLAlchemyError | OSError)


def _close_session(response):
    """End the request's session while its answer can still change: a transaction that
    cannot be ended (the connection died after the last query) answers the contract's 503.
    A request that committed keeps its answer (what it stored is stored)."""
    from flask import current_app, g

    from costapi.db import session

    if not session.registry.has() or not session().in_transaction():
        return response
    try:
        session.remove()
    except Exception as error:  # noqa: BLE001 -- any failure to end it: let the session go
        _discard_session()
        current_app.logger.error("database unavailable at the end of the request: %s",
                                 type(error).__name__)
        g.database_unavailable = True  # the audit writes no row then (api/audit.py)
        if g.get("committed") or response.status_code >= 500:
            return response
        return current_app.response_class(
            _json_error(503, UNAVAILABLE), status=503, mimetype="application/json",
            headers={"Retry-After": RETRY_SECONDS})
    return response


def _discard_session():
    """Forget the thread's session (its connection is not returned to the pool)."""
    import contextlib

    from costapi.db import session

    with contextlib.suppress(Exception):  # it is being let go either way
        session().invalidate()
    session.registry.clear()


def _note_commit(_session):
    from flask import g, has_app_context

    if has_app_context():
        g.committed = True


def _remove_session(_exc):
    """teardown_appcontext: runs after the answer is built, so it must never raise (gunicorn
    would answer its own HTML page); a failure is logged by kind only (no PHI)."""
    from costapi.db import session

    try:
        session.remove()
    except Exception as error:  # noqa: BLE001
        _discard_session()
        logging.getLogger("costapi").error("closing the database session failed: %s",
                                           type(error).__name__)


class LastResort:
    """WSGI middleware: an exception escaping Flask becomes a JSON 500 (503 with Retry-After
    for the database), so the server never writes an HTML page or a traceback."""

    def __init__(self, wsgi_app, logger):
        self.wsgi_app = wsgi_app
        self.logger = logger

    def __call__(self, environ, start_response):
        import sys
        import traceback

        try:
            return self.wsgi_app(environ, start_response)
        except Exception as error:  # noqa: BLE001 -- the last resort
            # the kind of error and where, never its text (it can quote patient data)
            self.logger.error("unhandled %s escaped the app\n%s", type(error).__name__,
                              "".join(traceback.format_tb(error.__traceback__)).rstrip())
            code = 503 if _database_failure(error) else 500
            body = _json_error(code, UNAVAILABLE if code == 503 else INTERNAL)
            headers = [("Content-Type", "application/json"),
                       ("Content-Length", str(len(body)))]
            if code == 503:
                headers.append(("Retry-After", RETRY_SECONDS))
            from http import HTTPStatus

            start_response(f"{code} {HTTPStatus(code).phrase}", headers, sys.exc_info())
            return [body]


def create_app(config_class=None, engine=None):
    from flask import Flask

    from costapi.api import register_api
    from costapi.cli import register_commands
    from costapi.db import make_engine, session
    from costapi.settings import Config

    app = Flask(__name__, instance_path=str(Path.cwd() / "instance"))
    app.config.from_object(config_class or Config)
    app.json.sort_keys = False
    logging.basicConfig(level=app.config["LOG_LEVEL"],
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    logging.getLogger("alembic.runtime.plugins").setLevel(logging.WARNING)
    for noisy in ("weasyprint", "fontTools"):  # a line per rendering step of every PDF
        logging.getLogger(noisy).setLevel(logging.ERROR)

    app.config["DATABASE_URL"] = database_url(app)
    app.extensions["db_engine"] = engine or make_engine(app.config["DATABASE_URL"])
    session.configure(bind=app.extensions["db_engine"])
    from sqlalchemy import event

    if not event.contains(session, "after_commit", _note_commit):
        event.listen(session, "after_commit", _note_commit)
    app.after_request(_close_session)
    app.teardown_appcontext(_remove_session)
    app.wsgi_app = LastResort(app.wsgi_app, app.logger)

    from costapi.services import rule_cache

    rule_cache.configure(app.config["RULE_CACHE_SECONDS"])
    register_api(app)
    register_commands(app)
    return app
