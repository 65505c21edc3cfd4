"""Payers: a replace keeps equal rates, policies and standard benefits (and their ids),
supersedes the rest."""
from sqlalchemy import select

from costapi.db import session
from costapi.models import Payer, Policy, Rate, StandardBenefit
from costapi.models.versioned import utcnow
from costapi.pricing.money import decimal_text
from costapi.services.catalog import live_service_codes
from costapi.services.errors import Invalid
from costapi.services.rules import RuleStore

RATE_FIELDS = ("service", "allowed", "effective_from", "effective_to", "benefit")
POLICY_FIELDS = (
    "modality", "service", "category", "covered", "reason", "prior_authorization",
    "diagnosis_codes", "max_visits_per_year", "effective_from", "effective_to",
)
STANDARD_FIELDS = (
    "effective_from", "effective_to", "deductible", "coinsurance", "coinsurance_by_category",
    "copays", "out_of_pocket_max", "pays_part_b_deductible", "coinsurance_share",
    "office_visit_copay",
)
STANDARD_MAPS = ("coinsurance_by_category", "copays")  # {category: amount}, stored as text


def current_items(model, payer_codes):
    """The current (not superseded) rates, policies or standard benefits of these payers,
    oldest first."""
    return session.scalars(
        select(model)
        .where(model.payer_code.in_(payer_codes), model.superseded_at.is_(None))
        .order_by(model.id)
    ).all()


def items_by_payer(model, payer_codes):
    """`current_items` grouped by payer code."""
    grouped = {}
    for item in current_items(model, payer_codes):
        grouped.setdefault(item.payer_code, []).append(item)
    return grouped


def views(rows):
    """Payer rows as plain dicts with their current rates, policies and standard benefits
    (the API's payer shape).

    One query per table for the whole page.
    """
    codes = [row.code for row in rows]
    rates, policies = items_by_payer(Rate, codes), items_by_payer(Policy, codes)
    standard = items_by_payer(StandardBenefit, codes)
    return [
        {**{key: getattr(row, key) for key in sorted(payers.columns)},
         "rates": [_item(rate, RATE_FIELDS) for rate in rates.get(row.code, [])],
         "policies": [_item(policy, POLICY_FIELDS) for policy in policies.get(row.code, [])],
         "standard_benefits": [_item(entry, STANDARD_FIELDS)
                               for entry in standard.get(row.code, [])]}
        for row in rows
    ]


def view(row):
    """One payer row as `views` shows it."""
    return views([row])[0]


def _item(row, fields):
    return {"id": row.id, **{field: getattr(row, field) for field in fields}}


def _sync(model, fields, payer_code, items):
    current = current_items(model, [payer_code])
    kept = set()
    for item in items:
        values = {field: item.get(field) for field in fields}
        match = next(
            (row for row in current if row.id not in kept
             and all(getattr(row, field) == values[field] for field in fields)),
            None,
        )
        if match is not None:
            kept.add(match.id)
        else:
            session.add(model(payer_code=payer_code, **values))
    now = utcnow()
    for row in current:
        if row.id not in kept:
            row.superseded_at = now


def _check_services(data):
    wanted = [rate["service"] for rate in data["rates"]]
    wanted += [policy["service"] for policy in data["policies"] if policy.get("service")]
    known = live_service_codes(wanted)
    errors = {}
    for key in ("rates", "policies"):
        for i, item in enumerate(data[key]):
            if item.get("service") and item["service"] not in known:
                errors.setdefault(key, {})[str(i)] = {
                    "service": [f"Unknown service {item['service']!r}."]
                }
    if errors:
        raise Invalid.at((), errors)


def _stored_standard(entry):
    """A standard benefits entry as stored: the per-category maps hold amounts as text."""
    return {**entry, **{key: {category: decimal_text(amount)
                              for category, amount in (entry.get(key) or {}).items()}
                        for key in STANDARD_MAPS}}


def _write_items(payer, data):
    _sync(Rate, RATE_FIELDS, payer.code, data["rates"])
    _sync(Policy, POLICY_FIELDS, payer.code, data["policies"])
    _sync(StandardBenefit, STANDARD_FIELDS, payer.code,
          [_stored_standard(entry) for entry in data.get("standard_benefits", [])])
    session.flush()


payers = RuleStore(Payer, "payer", check=_check_services, after=_write_items)
