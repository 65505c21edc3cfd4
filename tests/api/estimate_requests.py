"""Estimate request bodies over the seed data (fixtures/)."""

COMMERCIAL_BENEFITS = {
    "plan_year_start": "2027-01-01",
    "deductible": "1500.00", "deductible_met": "0.00",
    "out_of_pocket_max": "5000.00", "out_of_pocket_met": "0.00",
    "coinsurance": "0.20", "copays": {"office_visit": "30.00"},
}


def spravato(**coverage):
    """Esketamine 56 mg through Acme PPO, approved, for F33.2."""
    return {
        "plan": "spravato-56-commercial", "start_date": "2027-01-04",
        "coverage": {"type": "insurance", "payer": "acme-ppo", "network": "in",
                     "benefits": dict(COMMERCIAL_BENEFITS), "diagnosis_codes": ["F33.2"],
                     "prior_authorization": "approved", **coverage},
    }


def self_pay(plan="ketamine-iv-6", **coverage):
    return {"plan": plan, "start_date": "2027-01-04",
            "coverage": {"type": "self_pay", **coverage}}


def with_patient(body, reference="MRN-1001", name="Jane Doe", date_of_birth="1985-02-14"):
    return {**body, "patient": {"reference": reference, "name": name,
                                "date_of_birth": date_of_birth}}


MEDICARE_BENEFITS = {"deductible": "283.00", "deductible_met": "0.00", "coinsurance": "0.20"}


def medicare(**coverage):
    """Esketamine 56 mg billed to Original Medicare (G2082), benefits typed in."""
    return {
        "plan": "spravato-56-medicare", "start_date": "2027-01-04",
        "coverage": {"type": "insurance", "payer": "medicare-b", "network": "in",
                     "benefits": dict(MEDICARE_BENEFITS), "diagnosis_codes": ["F33.2"],
                     **coverage},
    }


def with_secondary(body, method, payer=None, **secondary):
    """`body` with coverage.secondary: its method, payer (None: left out) and other fields."""
    coverage = {**body["coverage"], "secondary": {
        "method": method, **({"payer": payer} if payer else {}), **secondary}}
    return {**body, "coverage": coverage}
