"""Who pays for a line the plan does not cover: the patient or the clinic (3.2 step 7)."""

from .coverage import AUTHORIZATION_DENIED, DIAGNOSIS, EXCLUSION, VISIT_LIMIT
from .errors import PricingError
from .inputs import Insurance

REASONS = (EXCLUSION, DIAGNOSIS, AUTHORIZATION_DENIED, VISIT_LIMIT)
# In network, by payer kind: (reasons the clinic bears unless the patient signed a waiver,
# reasons the clinic bears whatever was signed); every other reason is the patient's.
IN_NETWORK = {
    "medicare": ({DIAGNOSIS, VISIT_LIMIT, AUTHORIZATION_DENIED}, set()),  # the ABN
    "medicare_advantage": (set(), {DIAGNOSIS, VISIT_LIMIT}),
}
OTHER_KINDS = ({DIAGNOSIS, AUTHORIZATION_DENIED}, set())


def medicaid_context(insurance: Insurance) -> bool:
    """Medicaid pays some part: the payer is Medicaid, a Medicaid secondary, or a QMB."""
    secondary = insurance.secondary
    return (
        insurance.payer.kind == "medicaid"
        or (secondary is not None and secondary.method == "medicaid")
        or insurance.qmb
    )


def clinic_reasons(insurance: Insurance) -> frozenset[str]:
    """The reasons for which a line that is not covered is the clinic's write-off.

    Medicaid (any network): every reason unless waived. Otherwise out of network: none.
    In network by payer kind, as IN_NETWORK says. `waiver_signed` True waives every reason
    a waiver can shift; a list waives those reasons only (ABNs are per service and reason).
    """
    if insurance.qmb and insurance.payer.kind != "medicare":
        raise PricingError("coverage.qmb", "A Qualified Medicare Beneficiary needs Original "
                           "Medicare (a payer of kind medicare) as the primary.")  # fmt: skip
    signed = insurance.waiver_signed
    waived = set(REASONS) if signed is True else set(signed or ())
    if medicaid_context(insurance):
        waivable, fixed = set(REASONS), set()
    elif insurance.network == "out":
        return frozenset()
    else:
        waivable, fixed = IN_NETWORK.get(insurance.payer.kind, OTHER_KINDS)
    return frozenset(fixed | (waivable - waived))
