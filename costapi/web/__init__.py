"""The patient calculator page: a Jinja template, plain CSS and a small ES module."""
from pathlib import Path

from flask import Blueprint, current_app, make_response, render_template, send_from_directory

from costapi.api.access import PUBLIC, allow
from costapi.pricing.vocabulary import US_STATES

STATIC = Path(__file__).resolve().parent / "static"

blp = Blueprint("web", __name__, template_folder="templates")


def _frame_ancestors():
    """Sites that may embed the page in an iframe: the CORS origins, else any site."""
    origins = current_app.config.get("CORS_ORIGINS") or []
    return " ".join(["'self'", *origins]) if origins else "*"


@blp.get("/calculator")
@allow(PUBLIC)
def calculator():
    """The patient-facing cost calculator"""
    response = make_response(render_template(
        "calculator.html", states=US_STATES, clinic=current_app.config.get("CLINIC_NAME", ""),
        clinic_phone=current_app.config.get("CLINIC_PHONE", "")))
    response.headers["Content-Security-Policy"] = (
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        f"connect-src 'self'; base-uri 'none'; form-action 'self'; "
        f"frame-ancestors {_frame_ancestors()}")
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@blp.get("/calculator/static/<path:filename>")
@allow(PUBLIC)
def calculator_static(filename):
    """The calculator's script and styles"""
    response = send_from_directory(STATIC, filename, max_age=300)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
