"""Liveness and readiness for load balancers and orchestrators."""
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
