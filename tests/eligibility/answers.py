"""Check requests and 271 answers for the tests: the shared example (../shared/examples) and
hand-written ones."""
import copy
import json
from pathlib import Path

EXAMPLE = json.loads((Path(__file__).parent / "example-271.json").read_text())
CHECKS = "/api/v1/eligibility/checks"
URL = "https://clearinghouse.test/eligibility/v3"  # answered by requests-mock


def request_body(**changes):
    """A POST /eligibility/checks body for the example's member."""
    return {"payer": "acme-ppo", "member_id": "W123456789", "first_name": "Jane",
            "last_name": "Doe", "date_of_birth": "1985-02-14", "service_type": "MH",
            "network": "in", **changes}


def example():
    return copy.deepcopy(EXAMPLE)


def benefit(code, amount=None, percent=None, *, level="IND", types=("30",), time="23",
            network="Y", **extra):
    """One benefitsInformation entry (an EB segment)."""
    entry = {"code": code, "serviceTypeCodes": list(types)}
    for key, value in (("coverageLevelCode", level), ("timeQualifierCode", time),
                       ("inPlanNetworkIndicatorCode", network), ("benefitAmount", amount),
                       ("benefitPercent", percent)):
        if value is not None:
            entry[key] = value
    return {**entry, **extra}


def answer(*entries, plan="20260101-20261231", status="1"):
    """A small 271: plan dates, a plan status and `entries` after the coverage entry."""
    return {
        "controlNumber": "123456789", "tradingPartnerServiceId": "60054",
        "planDateInformation": {"plan": plan} if plan else {},
        "planStatus": [{"statusCode": status, "planDetails": "SILVER HMO",
                        "serviceTypeCodes": ["30"]}],
        "benefitsInformation": [
            benefit(status, level=None, time=None, network=None, planCoverage="SILVER HMO"),
            *entries],
        "errors": [],
    }


def aaa(code, description, followup="Please Correct and Resubmit"):
    """A 271 that carries an AAA rejection instead of benefits."""
    return {"controlNumber": "123456789", "errors": [
        {"code": code, "description": description, "followupAction": followup,
         "field": "AAA", "location": "Loop 2100C"}]}
