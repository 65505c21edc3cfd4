"""Treatment plans: every visit service must be a live service."""
from costapi.models import Plan
from costapi.services.catalog import live_service_codes
from costapi.services.errors import Invalid
from costapi.services.rules import RuleStore


def _check_services(data):
    wanted = [item["service"] for phase in data["phases"] for item in phase["visit"]]
    known = live_service_codes(wanted)
    errors = {}
    for p, phase in enumerate(data["phases"]):
        for v, item in enumerate(phase["visit"]):
            if item["service"] not in known:
                errors.setdefault(str(p), {"visit": {}})["visit"][str(v)] = {
                    "service": [f"Unknown service {item['service']!r}."]
                }
    if errors:
        raise Invalid({"json": {"phases": errors}})


plans = RuleStore(Plan, "plan", check=_check_services)
