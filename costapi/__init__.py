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
    app.teardown_appcontext(lambda _exc: session.remove())

    from costapi.services import rule_cache

    rule_cache.configure(app.config["RULE_CACHE_SECONDS"])
    register_api(app)
    register_commands(app)
    return app
