"""Assistance programs: the services they pay for must exist."""
from costapi.models import Program
from costapi.services.catalog import live_service_codes
from costapi.services.errors import Invalid
from costapi.services.rules import RuleStore


def _check_services(data):
    known = live_service_codes(data["services"])
    errors = {
        str(i): [f"Unknown service {code!r}."]
        for i, code in enumerate(data["services"]) if code not in known
    }
    if errors:
        raise Invalid.at("services", errors)


programs = RuleStore(Program, "program", check=_check_services)
