"""Liveness and readiness for load balancers and orchestrators; the front page; the API
docs' Swagger UI files, served from the pinned flask-swagger-ui package (no CDN)."""
from importlib.resources import files
from pathlib import Path

from flask import Blueprint as FlaskBlueprint
from flask import (
    abort,
    jsonify,
    make_response,
    render_template_string,
    request,
    send_from_directory,
    url_for,
)
from flask.views import MethodView
from marshmallow import Schema, fields
from sqlalchemy.exc import SQLAlchemyError

from costapi.api.access import PUBLIC, allow
from costapi.api.parsing import Blueprint
from costapi.db import session
from costapi.migrations import current_revision, head_revision
from costapi.services.errors import Unavailable

blp = Blueprint("operations", __name__, description="Operations")


class StatusSchema(Schema):
    status = fields.String(required=True)
    revision = fields.String(allow_none=True)


@blp.route("/health")
class Health(MethodView):
    @allow(PUBLIC)
    @blp.response(200, StatusSchema)
    def get(self):
        """Liveness: the process answers (no database access)"""
        return {"status": "ok"}


@blp.route("/ready")
class Ready(MethodView):
    @allow(PUBLIC)
    @blp.response(200, StatusSchema)
    @blp.alt_response(503, description="Database unreachable or schema not at head.")
    def get(self):
        """Readiness: the database answers and its schema is at the newest migration"""
        try:
            revision = current_revision(session.connection())
        except SQLAlchemyError:
            session.rollback()
            raise Unavailable("The database is unreachable.") from None
        if revision != head_revision():
            raise Unavailable(f"Schema at {revision}, not {head_revision()}: run db upgrade.")
        return {"status": "ready", "revision": revision}


# ---- not in the OpenAPI document: pages and files for people and browsers -----------------

home = FlaskBlueprint("home", __name__)
SWAGGER_UI = Path(str(files("flask_swagger_ui") / "dist"))
SWAGGER_UI_FILES = frozenset(entry.name for entry in SWAGGER_UI.iterdir()
                             if entry.name.endswith((".js", ".css", ".png")))
FRONT_PAGE = """<!DOCTYPE html>
<html lang="en">
<head><meta charset="utf-8"><title>costapi</title></head>
<body>
<h1>costapi</h1>
<p>Out-of-pocket cost estimates for ketamine and esketamine therapy.</p>
<ul>
{% for link in links %}  <li><a href="{{ link.href }}">{{ link.title }}</a> ({{ link.href }})</li>
{% endfor %}</ul>
</body>
</html>
"""


def _links():
    return [
        {"rel": "docs", "href": url_for("api-docs.openapi_swagger_ui"),
         "title": "API documentation (Swagger UI)"},
        {"rel": "openapi", "href": url_for("api-docs.openapi_json"),
         "title": "OpenAPI document"},
        {"rel": "calculator", "href": url_for("web.calculator"),
         "title": "Patient cost calculator"},
        {"rel": "health", "href": url_for("operations.Health"), "title": "Liveness"},
        {"rel": "ready", "href": url_for("operations.Ready"), "title": "Readiness"},
    ]


@home.get("/")
@allow(PUBLIC)
def index():
    """Where to go from here: JSON for a client that asks for it, else a small page."""
    links = _links()
    if request.accept_mimetypes.best_match(["text/html", "application/json"]) == (
            "application/json"):
        response = jsonify({"name": "costapi", "api": "/api/v1",
                            "links": {link["rel"]: link["href"] for link in links}})
    else:
        response = make_response(render_template_string(FRONT_PAGE, links=links))
    response.vary.add("Accept")
    return response


@home.get("/docs/swagger-ui/<string(maxlength=64):filename>")
@allow(PUBLIC)
def swagger_ui_file(filename):
    """Swagger UI's script, styles and icons for /docs"""
    if filename not in SWAGGER_UI_FILES:
        abort(404)
    return send_from_directory(SWAGGER_UI, filename, max_age=3600)
