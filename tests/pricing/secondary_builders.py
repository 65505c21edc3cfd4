"""Builders for secondary coverage (3.7) and per-year benefits (3.4), on top of builders.py.

Payers of these tests (every figure illustrative, chosen for easy sums):
- MEDICARE: kind medicare, allows 80% of the charge, Part B standard benefits per calendar
  year: 2026 deductible 283.00, 2027 300.00, 2028 320.00, coinsurance 0.20 each, no limit.
- a Medigap payer "medigap" (kind medicare_supplement), a Medicaid payer "medicaid",
  a second commercial plan "beta" (each only what the test gives it).
"""

from collections import Counter
from dataclasses import replace
from datetime import date

from costapi.pricing import (
    Benefits,
    MedicaidBenefits,
    Payer,
    Secondary,
    StandardBenefits,
    SupplementBenefits,
    YearAmounts,
    as_dict,
)

from .builders import D, check, payer

FIFTH = D("0.20")


def part_b(entry_id, year, deductible, coinsurance="0.20", **extra):
    """An Original Medicare Part B standard entry for one calendar year."""
    return StandardBenefits(
        id=entry_id,
        effective_from=date(year, 1, 1),
        effective_to=date(year, 12, 31),
        deductible=D(deductible),
        coinsurance=D(coinsurance),
        **extra,
    )


PART_B = (
    part_b(1, 2026, "283.00"),  # the published 2026 figure (domain.md section 1)
    part_b(2, 2027, "300.00"),  # chosen for these tests
    part_b(3, 2028, "320.00"),  # chosen for these tests
)


def medicare(standard=PART_B, **extra):
    """Original Medicare as primary: 80% of the charge allowed, Part B per year."""
    return replace(payer(kind="medicare"), code="medicare", standard_benefits=tuple(standard),
                   **extra)  # fmt: skip


def other_payer(code, kind, *, policies=(), standard=(), default="0.80"):
    return Payer(
        code,
        kind,
        None if default is None else D(default),
        None,
        (),
        tuple(policies),
        tuple(standard),
        name=f"{code} plan",
    )


def money(values: dict) -> dict:
    return {k: D(v) if isinstance(v, str) else v for k, v in values.items()}


def medigap(*, payer_=None, **terms):
    """A Medicare Supplement secondary; terms are SupplementBenefits fields (money as str)."""
    return Secondary(
        payer_ or other_payer("medigap", "medicare_supplement"),
        "supplement",
        SupplementBenefits(**money(terms)),
    )


def medicaid(copay_per_visit=None, *, payer_=None):
    return Secondary(
        payer_ or other_payer("medicaid", "medicaid"),
        "medicaid",
        MedicaidBenefits(None if copay_per_visit is None else D(copay_per_visit)),
    )


def cob(method, *, kind="commercial", policies=(), standard=(), payer_=None, **benefits):
    """A second plan (coordination of benefits, `standard` or `non_duplication`) "beta";
    benefits are Benefits fields (money as str)."""
    return Secondary(
        payer_ or other_payer("beta", kind, policies=policies, standard=standard),
        method,
        Benefits(**money(benefits)),
    )


def year_amounts(**amounts):
    return YearAmounts(**money(amounts))


def with_secondary(coverage, secondary):
    return replace(coverage, secondary=secondary)


def warnings_of(result, code, payer=None):
    """as_dict warnings with that code whose `payer` is `payer` (None: the primary's)."""
    return [
        w for w in as_dict(result)["warnings"] if w["code"] == code and w.get("payer") == payer
    ]


def expect(result, expected: dict) -> None:
    """check() plus two keys that do not depend on the order of warnings of one visit:

    "warning_set": [(code, payer or None), ...] -- the warnings as a multiset
    "warning:code@payer" / "warning:code@" -- the one warning with that code and payer
        ("@" alone: the primary's, no payer) must have these fields
    """
    plain = {}
    data = as_dict(result)
    for path, want in expected.items():
        if path == "warning_set":
            got = Counter((w["code"], w.get("payer")) for w in data["warnings"])
            assert got == Counter(want), data["warnings"]
        elif path.startswith("warning:") and "@" in path:
            code, _, who = path[len("warning:") :].partition("@")
            found = warnings_of(result, code, who or None)
            assert len(found) == 1, (path, data["warnings"])
            for key, value in want.items():
                got = found[0].get(key)
                assert (str(got) if isinstance(value, str) else got) == value, (path, key, got)
        else:
            plain[path] = want
    check(result, plain)
