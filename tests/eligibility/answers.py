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


# The same answers as X12 271 text (ELIGIBILITY_FORMAT=x12), hand-written, no converter.
X12_DIR = Path(__file__).parent / "x12"
ISA = ("ISA*00*          *00*          *ZZ*CLEARINGHOUSE  *ZZ*117151744      *251122*1200*^*"
       "00501*000000123*0*P*:~\nGS*HB*CLEARINGHOUSE*117151744*20251122*1200*1*X*005010X279A1~\n")
HEAD = ("ST*271*0001*005010X279A1~\nBHT*0022*11*123456789*20251122*1200~\nHL*1**20*1~\n"
        "NM1*PR*2*EXAMPLE HEALTH PLAN*****PI*60054~\nHL*2*1*21*1~\n"
        "NM1*1P*2*ACME BEHAVIORAL HEALTH*****XX*1999999984~\nHL*3*2*22*0~\n"
        "NM1*IL*1*DOE*JANE****MI*W123456789~\n")


def x12(*segments):
    """A 271 interchange: the header loops, then `segments` in loop 2100C/2110C."""
    body = HEAD + "".join(f"{s}~\n" for s in segments)
    count = body.count("~")
    return f"{ISA}{body}SE*{count + 1}*0001~\nGE*1*1~\nIEA*1*000000123~\n"


def example_x12():
    return (X12_DIR / "example.271").read_text()


def aaa_x12(code, followup="C"):
    return x12(f"AAA*N**{code}*{followup}")


def inactive_x12():
    return x12("DTP*291*RD8*20260101-20261231", "EB*6**30**SILVER HMO",
               "EB*C*IND*30***23*1500*****Y")


X12_ANSWERS = {"example": (example, example_x12), "inactive": (
    lambda: answer(benefit("C", "1500"), status="6"), inactive_x12)}


def reply(form, kind="example", *, code=None, description="Rejected"):
    """requests-mock keyword arguments answering in `form` (json or x12)."""
    if code is not None:
        return ({"json": aaa(code, description)} if form == "json"
                else {"text": aaa_x12(code)})
    as_json, as_x12 = X12_ANSWERS[kind]
    return {"json": as_json()} if form == "json" else {"text": as_x12()}
