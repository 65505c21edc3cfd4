"""Rule rows (or validated request data) turned into the engine's frozen inputs."""
from decimal import Decimal

from costapi import pricing
from costapi.pricing.inputs import PharmacyBenefits
from costapi.pricing.money import ZERO


def service_input(row):
    return pricing.Service(row.code, row.category, row.charge, row.cash_price,
                           row.description or "")


def visit_input(items):
    return tuple(pricing.VisitItem(item["service"], item["units"],
                                   item.get("benefit") or "medical") for item in items)


def visit_changes_input(changes):
    """`visit_changes` as stored or requested: [{"from_session", "visit"}, ...] (2)."""
    return tuple(pricing.VisitChange(change["from_session"], visit_input(change["visit"]))
                 for change in changes or ())


def plan_input(code, modality, phases, payer_kinds=()):
    """`phases` as stored on a plan (a list of dicts)."""
    return pricing.Plan(code, modality, payer_kinds=tuple(payer_kinds or ()), phases=tuple(
        pricing.Phase(
            name=phase["name"], kind=phase["kind"], sessions=phase["sessions"],
            interval_days=phase.get("interval_days"), per_week=phase.get("per_week"),
            visit=visit_input(phase["visit"]),
            sessions_min=phase.get("sessions_min"), sessions_max=phase.get("sessions_max"),
            starts_after_days=phase.get("starts_after_days") or 0,
            visit_changes=visit_changes_input(phase.get("visit_changes")),
        )
        for phase in phases
    ))


def _decimals(mapping):
    return {key: Decimal(value) for key, value in (mapping or {}).items() if value is not None}


def standard_input(row):
    """A payer's standard benefits entry (a StandardBenefit row or the API's dict)."""
    get = row.get if isinstance(row, dict) else lambda name: getattr(row, name, None)
    return pricing.StandardBenefits(
        id=get("id"), effective_from=get("effective_from"), effective_to=get("effective_to"),
        deductible=get("deductible"), coinsurance=get("coinsurance"),
        coinsurance_by_category=_decimals(get("coinsurance_by_category")),
        copays=_decimals(get("copays")), out_of_pocket_max=get("out_of_pocket_max"),
        pays_part_b_deductible=get("pays_part_b_deductible"),
        coinsurance_share=get("coinsurance_share"), office_visit_copay=get("office_visit_copay"),
    )


def payer_input(row, rates, policies, standard=()):
    return pricing.Payer(
        code=row.code, kind=row.kind, name=row.name,
        standard_benefits=tuple(standard_input(entry) for entry in standard),
        default_allowed_percent=row.default_allowed_percent,
        out_of_network_allowed_percent=row.out_of_network_allowed_percent,
        rates=tuple(pricing.Rate(r.id, r.service, r.allowed, r.effective_from, r.effective_to,
                                 r.benefit or "medical")
                    for r in rates),
        policies=tuple(
            pricing.Policy(
                p.id, p.modality, p.service, p.category, p.covered, p.reason,
                p.prior_authorization, tuple(p.diagnosis_codes or ()), p.max_visits_per_year,
                p.effective_from, p.effective_to,
            )
            for p in policies
        ),
    )


def program_input(row):
    return pricing.Program(
        row.code, row.name, tuple(row.services or ()), tuple(row.categories or ()),
        tuple(row.payer_kinds or ()), row.patient_pays_per_visit, row.annual_max,
        paid_as=row.paid_as or "point_of_sale", excluded_states=tuple(row.excluded_states or ()),
    )


def discount_input(row):
    if row.kind == "package":
        return pricing.PackagePrice(row.code, row.name, row.plan, row.phase, row.sessions,
                                    row.price)
    return pricing.SlidingScale(
        row.code, row.name, row.poverty_base, row.poverty_per_additional_person,
        tuple(pricing.Tier(t["max_percent_of_poverty"], Decimal(t["percent_off"]))
              for t in row.tiers),
    )


def copay_input(value):
    """One `copays` value of request or check data: an amount (Decimal), a pricing.Copay, or
    `{"amount", "after_deductible"}`; the object with after_deductible true becomes a
    pricing.Copay, with false the plain amount (an ordinary copay)."""
    if isinstance(value, dict):
        amount = Decimal(value["amount"])
        return pricing.Copay(amount) if value.get("after_deductible") else amount
    return value


def copays_input(mapping):
    return {category: copay_input(value) for category, value in (mapping or {}).items()
            if value is not None}


def _amounts(data):
    """Deductible and out-of-pocket amounts from request data (missing mets are 0)."""
    return {
        "deductible": data.get("deductible"),
        "deductible_met": data.get("deductible_met") or ZERO,
        "out_of_pocket_max": data.get("out_of_pocket_max"),
        "out_of_pocket_met": data.get("out_of_pocket_met") or ZERO,
    }


def amounts_input(data, kind=pricing.Amounts):
    """Family or out-of-network amounts from request data."""
    fields = _amounts(data)
    if kind is pricing.NetworkBenefits:
        fields["coinsurance"] = data.get("coinsurance")
        fields["family"] = amounts_input(data["family"]) if data.get("family") else None
        fields["coinsurance_by_category"] = dict(data.get("coinsurance_by_category") or {})
        fields["next_plan_year"] = year_input(data.get("next_plan_year"))
    return kind(**fields)


def pharmacy_input(data, later=False):
    """`benefits.pharmacy` (or `next_plan_year.pharmacy`, `later`: met amounts 0) from
    request or check data; None when not given (fills then cost the patient 0)."""
    if data is None:
        return None
    return PharmacyBenefits(
        deductible=data.get("deductible"),
        deductible_met=ZERO if later else data.get("deductible_met") or ZERO,
        integrated_deductible=data.get("integrated_deductible") is True,
        copay_per_fill=data.get("copay_per_fill"),
        coinsurance=data.get("coinsurance"),
        coinsurance_max_per_fill=data.get("coinsurance_max_per_fill"),
        integrated_out_of_pocket=data.get("integrated_out_of_pocket") is not False,
        out_of_pocket_max=data.get("out_of_pocket_max"),
        out_of_pocket_met=ZERO if later else data.get("out_of_pocket_met") or ZERO,
    )


def year_input(data):
    """`next_plan_year` from request data, or None when not given; an amount not typed stays
    None (the engine takes it from the payer's standard benefits, else the first year)."""
    if not data:
        return None
    family = data.get("family")
    return pricing.YearAmounts(
        deductible=data.get("deductible"),
        out_of_pocket_max=data.get("out_of_pocket_max"),
        coinsurance=data.get("coinsurance"),
        coinsurance_by_category=dict(data.get("coinsurance_by_category") or {}),
        copays=copays_input(data.get("copays")),
        family=pricing.Amounts(deductible=family.get("deductible"),
                               out_of_pocket_max=family.get("out_of_pocket_max"))
        if family else None,
        pharmacy=pharmacy_input(data.get("pharmacy"), later=True),
    )


def benefits_input(data):
    out_of_network = data.get("out_of_network")
    return pricing.Benefits(
        plan_year_start=data.get("plan_year_start"),
        **_amounts(data),
        coinsurance=data.get("coinsurance"),
        copays=copays_input(data.get("copays")),
        family=amounts_input(data["family"]) if data.get("family") else None,
        out_of_network=(amounts_input(out_of_network, pricing.NetworkBenefits)
                        if out_of_network else None),
        accumulator_program=bool(data.get("accumulator_program")),
        visits_used={int(k): v for k, v in (data.get("visits_used") or {}).items()},
        coinsurance_by_category=dict(data.get("coinsurance_by_category") or {}),
        next_plan_year=year_input(data.get("next_plan_year")),
        pharmacy=pharmacy_input(data.get("pharmacy")),
    )


def supplement_input(data, later=False):
    """A Medicare Supplement's terms from request data (a term not typed stays None)."""
    following = data.get("next_plan_year")
    return pricing.SupplementBenefits(
        pays_part_b_deductible=data.get("pays_part_b_deductible"),
        coinsurance_share=data.get("coinsurance_share"),
        office_visit_copay=data.get("office_visit_copay"),
        out_of_pocket_max=data.get("out_of_pocket_max"),
        out_of_pocket_met=ZERO if later else data.get("out_of_pocket_met") or ZERO,
        next_plan_year=supplement_input(following, later=True)
        if following and not later else None,
    )


def medicaid_input(data):
    return pricing.MedicaidBenefits(copay_per_visit=data.get("copay_per_visit"))


SECONDARY_BENEFITS = {"supplement": supplement_input, "medicaid": medicaid_input,
                      "standard": benefits_input, "non_duplication": benefits_input}


def secondary_input(data, payer, benefits=None):
    """`coverage.secondary` with its payer (a pricing.Payer); `benefits` (from its
    eligibility check) replaces the request's."""
    method = data["method"]
    terms = benefits if benefits is not None else data.get("benefits") or {}
    return pricing.Secondary(payer=payer, method=method,
                             benefits=SECONDARY_BENEFITS[method](terms))


def _override(data):
    """One `phases.<name>` of a request: `visit` and `visit_changes` as engine inputs."""
    data = dict(data)
    if data.get("visit") is not None:
        data["visit"] = visit_input(data["visit"])
    if data.get("visit_changes") is not None:
        data["visit_changes"] = visit_changes_input(data["visit_changes"])
    return pricing.PhaseOverride(**data)


def overrides_input(phases):
    return {name: _override(override) for name, override in (phases or {}).items()}
