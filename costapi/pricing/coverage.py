"""The coverage decision for a line: which policy applies and what it says (3.2)."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from .inputs import Insurance, Policy

ALWAYS = date.max.toordinal()
NEVER = -1

EXCLUSION = "policy_exclusion"
DIAGNOSIS = "diagnosis"
AUTHORIZATION_DENIED = "prior_authorization_denied"
VISIT_LIMIT = "visit_limit"
SELF_PAY = "self_pay"


@dataclass(frozen=True, slots=True)
class PolicyTerms:
    """A policy as it applies to this estimate's diagnosis and authorization.

    `refusal` is the reason code when the policy refuses every line it governs
    (steps 2-4); `authorized_through` is the last day (ordinal) the visits
    are authorized: ALWAYS when no authorization is needed, NEVER when it has
    not been approved.
    """

    policy: Policy
    id: int
    starts: date
    ends: date
    refusal: str | None
    needs_diagnosis: bool
    authorized_through: int
    max_visits: int | None


def count_visit(policy: PolicyTerms, counts: dict[int, int], counted: set[int]) -> str | None:
    """Step 5: a visit counts toward the policy's yearly limit once (`counted`: the policies
    this visit has counted for); VISIT_LIMIT when there is no room left."""
    if policy.id in counted:
        return None
    used = counts.get(policy.id, 0)
    if used >= policy.max_visits:
        return VISIT_LIMIT
    counts[policy.id] = used + 1
    counted.add(policy.id)
    return None


def first_in_effect(policies: tuple[PolicyTerms, ...], day: date) -> PolicyTerms | None:
    """Step 1: of a line's ranked candidate policies, the first in effect on the day."""
    for policy in policies:
        if policy.starts <= day <= policy.ends:
            return policy
    return None


def specificity(policy: Policy) -> int:
    """4 if the service is set + 2 if the category is set + 1 if the modality is set."""
    return 4 * bool(policy.service) + 2 * bool(policy.category) + bool(policy.modality)


def governs(policy: Policy, modality: str, service: str, category: str) -> bool:
    """Each of modality, service and category is empty (any) or equal to the line's."""
    return (
        (not policy.modality or policy.modality == modality)
        and (not policy.service or policy.service == service)
        and (not policy.category or policy.category == category)
    )


def normalize_code(code: str) -> str:
    """ICD-10 codes compare case-insensitively without dots: F33.2 = f332."""
    return code.replace(".", "").strip().upper()


def diagnosis_matches(patterns: tuple[str, ...], codes: tuple[str, ...]) -> bool:
    """Does any code match any pattern? `F33.*` matches every code starting with F33."""
    normalized = [normalize_code(code) for code in codes]
    for pattern in patterns:
        wanted = normalize_code(pattern)
        if wanted.endswith("*"):
            prefix = wanted[:-1]
            if any(code.startswith(prefix) for code in normalized):
                return True
        elif wanted in normalized:
            return True
    return False


def policy_terms(policy: Policy, insurance: Insurance) -> PolicyTerms:
    """Steps 2-4 of the coverage decision, fixed for the whole estimate."""
    patterns = policy.diagnosis_codes
    codes = insurance.diagnosis_codes
    status = insurance.prior_authorization
    refusal = None
    if not policy.covered:
        refusal = EXCLUSION
    elif patterns and codes and not diagnosis_matches(patterns, codes):
        refusal = DIAGNOSIS
    elif policy.prior_authorization and status == "denied":
        refusal = AUTHORIZATION_DENIED
    authorized_through = ALWAYS
    if policy.prior_authorization:
        if status != "approved":
            authorized_through = NEVER
        elif insurance.prior_authorization_through is not None:
            authorized_through = insurance.prior_authorization_through.toordinal()
    return PolicyTerms(
        policy=policy,
        id=policy.id,
        starts=policy.effective_from or date.min,
        ends=policy.effective_to or date.max,
        refusal=refusal,
        needs_diagnosis=bool(patterns) and not codes,
        authorized_through=authorized_through,
        max_visits=policy.max_visits_per_year,
    )


def ranked(policies: Iterable[Policy]) -> list[Policy]:
    """Most specific first; the same specificity (overlapping in time only in bad data):
    the later effective_from, then the higher id, so the choice is deterministic."""
    return sorted(
        policies,
        key=lambda p: (specificity(p), p.effective_from or date.min, p.id),
        reverse=True,
    )


def ranked_policies(insurance: Insurance, payer=None) -> tuple[PolicyTerms, ...]:
    """The payer's policies (`payer`: another payer's, such as a secondary's) as they apply
    to this estimate's diagnosis and authorization, most specific first."""
    policies = (payer or insurance.payer).policies
    return tuple(policy_terms(policy, insurance) for policy in ranked(policies))


def candidate_policies(
    policies: tuple[PolicyTerms, ...], modality: str, service: str, category: str
) -> tuple[PolicyTerms, ...]:
    """The ranked policies that may govern a line; the first in effect on a date applies."""
    return tuple(terms for terms in policies if governs(terms.policy, modality, service, category))


def in_effect(policy: Policy, day: date) -> bool:
    """effective_from <= day <= effective_to (inclusive; a missing date is open)."""
    return (policy.effective_from or date.min) <= day <= (policy.effective_to or date.max)


def modality_status(
    policies: tuple[Policy, ...], modality: str, lines: Iterable[tuple[str, str]], day: date
) -> str:
    """What a payer's policies say on `day` about a modality's (service, category) lines,
    each governed as in an estimate (the most specific policy in effect; none: covered):
    usually_not_covered if no line is covered, partly_covered if some are not,
    prior_authorization_needed if any governing policy asks for it, else usually_covered."""
    ranking = ranked(policies)
    governing = [
        next(
            (
                policy
                for policy in ranking
                if governs(policy, modality, service, category) and in_effect(policy, day)
            ),
            None,
        )
        for service, category in lines
    ]
    covered = [policy for policy in governing if policy is None or policy.covered]
    if governing and not covered:
        return "usually_not_covered"
    if len(covered) < len(governing):
        return "partly_covered"
    if any(policy is not None and policy.prior_authorization for policy in governing):
        return "prior_authorization_needed"
    return "usually_covered"
