"""The audit trail: one row per request to a PHI-bearing, rule-data or key route."""
from costapi.api.parsing import Blueprint

blp = Blueprint("audit", __name__, url_prefix="/api/v1/audit",
                description="The audit trail (admin only)")


def init_app(app):
    """Register the hooks that write the audit row of each request."""
