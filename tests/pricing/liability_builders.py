"""Builders for issue 13's cases (domain.md 3.2 step 7 and 8, 3.3, 3.4, section 4), on top of
builders.py and secondary_builders.py.

One infusion visit (INFUSION, plan modality ketamine_iv) is the unit of most liability cases:
96365 charge 450.00, cash 400.00; J3490 charge 80.00, cash 60.00: cash 460.00 a visit;
allowed at 80% in network 360.00 + 64.00 = 424.00.

REFUSING[reason] is a policy of the payer that refuses every line of that visit for that
reason (with the estimate's diagnosis codes, authorization and visits_used that `refused()`
gives it).
"""

from dataclasses import replace
from datetime import date

from costapi.pricing import NetworkBenefits, Policy, as_dict

from .builders import D, insured, payer

IV = "ketamine_iv"
CASH_96365 = D("400.00")
CASH_J3490 = D("60.00")
VISIT_CASH = D("460.00")  # 400 + 60

EXCLUSION = Policy(61, modality=IV, covered=False, reason="Experimental/investigational")
DIAGNOSIS = Policy(62, modality=IV, diagnosis_codes=("F33.*",))
AUTHORIZATION = Policy(63, modality=IV, prior_authorization=True)
LIMIT = Policy(64, modality=IV, max_visits_per_year=1)

REASONS = ("policy_exclusion", "diagnosis", "prior_authorization_denied", "visit_limit")
REFUSING = dict(zip(REASONS, (EXCLUSION, DIAGNOSIS, AUTHORIZATION, LIMIT), strict=True))
# the warning a patient-liable line of that reason gives (3.2 steps 2-6)
REFUSAL_WARNING = {
    "policy_exclusion": "not_covered",
    "diagnosis": "diagnosis_not_covered",
    "prior_authorization_denied": "prior_authorization_denied",
    "visit_limit": "visit_limit",
}
OUT_BENEFITS = NetworkBenefits(coinsurance=D("0.40"))  # reimbursed out of network (3.5)


def refusal_terms(reason):
    """The estimate's diagnosis, authorization and visits_used that make REFUSING[reason]
    refuse: a diagnosis outside F33.*, a denied authorization, the one visit a year used."""
    return {
        "diagnosis": ("F43.10",) if reason == "diagnosis" else ("F33.2",),
        "authorization": "denied" if reason == "prior_authorization_denied" else "not_requested",
        "visits_used": {LIMIT.id: 1} if reason == "visit_limit" else {},
    }


def coverage(*, kind="commercial", policies=(), payer_=None, waiver=False, qmb=False,
             secondary=None, **terms):  # fmt: skip
    """builders.insured(**terms) of a payer of `kind` with `policies`, then waiver_signed,
    qmb and secondary set."""
    the_payer = payer_ or payer(kind=kind, policies=policies)
    if "out_of_network" not in terms and terms.get("network") == "out":
        terms["out_of_network"] = OUT_BENEFITS
    base = insured(payer_=the_payer, **terms)
    return replace(base, waiver_signed=waiver, qmb=qmb, secondary=secondary)


def refused(reason, **extra):
    """Insurance whose payer refuses every line of an infusion visit for `reason`."""
    terms = {**refusal_terms(reason), "coinsurance": "0.20", **extra}
    return coverage(policies=[REFUSING[reason]], **terms)


def codes(result):
    return [w["code"] for w in as_dict(result)["warnings"]]


def warnings_with(result, code):
    return [w for w in as_dict(result)["warnings"] if w["code"] == code]


def lines_of(result):
    return [line for visit in result.visits for line in visit.lines]


def day(month, dom, year=2027):
    return date(year, month, dom)
