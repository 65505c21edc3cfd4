"""Treatment plans: visit services must be live and the schedule must fit in 365 days."""
from datetime import date

from costapi.models import Plan
from costapi.pricing import PricingError
from costapi.pricing.schedule import plan_phases, range_lengths, schedule
from costapi.services.catalog import live_services
from costapi.services.engine_inputs import plan_input
from costapi.services.errors import Invalid
from costapi.services.rules import RuleStore

ANY_START = date(2001, 1, 1)


def _check(data):
    wanted = [item["service"] for phase in data["phases"] for visit in _visits(phase)
              for item in visit[1]]
    known = live_services(wanted)
    errors = {}
    for p, phase in enumerate(data["phases"]):
        for path, visit in _visits(phase):
            for v, item in enumerate(visit):
                if item["service"] not in known:
                    where = errors.setdefault(str(p), {})
                    for key in path:
                        where = where.setdefault(key, {})
                    where[str(v)] = {"service": [f"Unknown service {item['service']!r}."]}
    if errors:
        raise Invalid.at("phases", errors)
    _check_schedule_fits(data, known)


def _visits(phase):
    """(error path, items) of a phase's visit and of each visit change's (2)."""
    yield ("visit",), phase["visit"]
    for c, change in enumerate(phase.get("visit_changes") or ()):
        yield ("visit_changes", str(c), "visit"), change["visit"]


def _check_schedule_fits(data, services):
    """The last session falls within 365 days, as planned and with open phases at their max."""
    phases = plan_phases(plan_input(data["code"], data["modality"], data["phases"]), {}, services)
    lengths = range_lengths(phases)
    try:
        for sessions in (None, *(lengths or ())):
            schedule(phases, ANY_START, sessions)
    except PricingError as error:
        raise Invalid.at(error.field, error.message) from None


plans = RuleStore(Plan, "plan", check=_check)
