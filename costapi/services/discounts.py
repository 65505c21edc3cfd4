"""Self-pay discounts: a package price must name a live plan and one of its phases."""
from costapi.models import Discount
from costapi.services.errors import Invalid, NotFound
from costapi.services.plans import plans
from costapi.services.rules import RuleStore


def _check_package(data):
    if data["kind"] != "package":
        return
    try:
        plan = plans.get(data["plan"])
    except NotFound:
        raise Invalid.at("plan", f"Unknown plan {data['plan']!r}.") from None
    if data["phase"] not in {phase["name"] for phase in plan.phases}:
        raise Invalid.at("phase", f"Plan {plan.code!r} has no phase {data['phase']!r}.")


discounts = RuleStore(Discount, "discount", check=_check_package)
