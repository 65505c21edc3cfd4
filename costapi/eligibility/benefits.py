"""A 271 answer (the clearinghouse's JSON) turned into member benefits: pure, no I/O.

The benefits have the shape of an estimate request's `coverage.benefits`; docs/eligibility.md
explains each choice. Where the payer sends conflicting entries for one benefit, the one
costing the patient more wins and the benefits are marked low confidence.
"""
import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from costapi.pricing.money import CENT, ZERO
from costapi.pricing.money import decimal_text as text

LIMIT = Decimal("1000000000")
MENTAL_HEALTH = ("MH", "A4", "A8")
SERVICE_TYPES = ("MH", "A4", "A6", "A8", "98", "30")
COPAY_TYPES = {"evaluation": ("98",), "office_visit": ("98",), "psychotherapy": ("A6",)}
COINSURANCE_TYPES = COPAY_TYPES  # a category's own rate comes from its own service type only
QMB = "QM"  # insurance type (EB04): a Qualified Medicare Beneficiary
DEDUCTIBLE = r"(?:deductibles?|ded)"
# Free text (additionalInformation, X12 MSG) on a copay entry: the deductible applies first,
# or it does not (the second is looked for first: "NOT SUBJECT TO DEDUCTIBLE").
NO_DEDUCTIBLE_FIRST = re.compile(
    rf"\b(?:{DEDUCTIBLE}\s+(?:is\s+)?(?:waived|does\s*n[o']?t\s+apply|not\s+appl\w*|n/a)"
    rf"|no\s+{DEDUCTIBLE}|not\s+subject\s+to\s+(?:the\s+)?{DEDUCTIBLE}"
    rf"|{DEDUCTIBLE}\s+(?:is\s+)?not\s+required)(?!\w)", re.IGNORECASE)
DEDUCTIBLE_FIRST = re.compile(
    rf"\b(?:after\s+(?:the\s+)?{DEDUCTIBLE}|{DEDUCTIBLE}\s+(?:applies|appl\w*|first)"
    rf"|subject\s+to\s+(?:the\s+)?{DEDUCTIBLE}|once\s+(?:the\s+)?{DEDUCTIBLE}\s+(?:is\s+)?met"
    rf"|{DEDUCTIBLE}\s+must\s+be\s+met)(?!\w)", re.IGNORECASE)
ACTIVE, INACTIVE = frozenset("12345"), frozenset("678")
TOTAL_TIMES = frozenset({"21", "22", "23", "25", None})
YEAR_TO_DATE, REMAINING, CALENDAR_YEAR = "24", "29", "23"
OFFICE = "11"
SIDES = {"in": "Y", "out": "N"}
BOTH_SIDES = frozenset({"W", "U", None})
PAYER_ENTITIES = frozenset({"PR", "TV", "Y2", "PRP", "SEP", "TTP"})
PAYER_WORDS = ("payer", "administrator", "managed care", "insurer")
NETWORK_TEXT = re.compile(
    r"\b(out[- ]?(of[- ])?network|in[- ]network|non[- ]?par\w*|participating|not in network)\b",
    re.IGNORECASE)
LOW_CONFIDENCE = frozenset({"eligibility_conflicting_benefits", "eligibility_carve_out"})
ACCUMULATORS = (("C", "deductible", "deductible_met", "deductible"),
                ("G", "out_of_pocket_max", "out_of_pocket_met", "out-of-pocket maximum"))
# Pharmacy benefit (3.8): X12 005010 service types 88 pharmacy, 90 mail order and 89
# free-standing prescription drug, in that order of preference (005010 has no specialty
# pharmacy type; a specialty pharmacy ships the drug, like mail order).
PHARMACY_TYPES = ("88", "90", "89")
PHARMACY = frozenset(PHARMACY_TYPES)
PHARMACY_ACCUMULATORS = (
    ("C", "deductible", "deductible_met", "pharmacy deductible"),
    ("G", "out_of_pocket_max", "out_of_pocket_met", "pharmacy out-of-pocket maximum"))
PER_FILL_TIMES = frozenset({"27", None})  # a copay per visit (here: per prescription) or unsaid
PBM = re.compile(r"\b(?:pharmacy\s+benefits?\s+manag\w*|pbm)\b", re.IGNORECASE)
PHARMACY_WORDS = re.compile(r"\b(?:pharmac(?:y|ies)|rx|prescriptions?|pbm)\b", re.IGNORECASE)
HANDED_TO = r"(?:administered|managed|handled|processed)\s+(?:by|through|via)"
CARVE_OUT_TEXT = re.compile(rf"\bcarv(?:ed|e|ing)[- ]?out\b|\b{HANDED_TO}\b|{PBM.pattern}",
                            re.IGNORECASE)
NAMED_AFTER = re.compile(rf"\b(?:{HANDED_TO}|carved?[- ]?out\s+to|pbm\s*[:-])\s+(.+)",
                         re.IGNORECASE)
NAME_ENDS = frozenset({"AT", "FOR", "ON", "PHONE", "CALL", "TEL", "MEMBER", "ID", "PLEASE",
                       "WHEN", "IF", "UNDER", "WITH"})
GENERIC_NAMES = frozenset({"THE", "A", "AN", "ANOTHER", "SEPARATE", "OTHER", "PHARMACY",
                           "PHARMACIES", "BENEFIT", "BENEFITS", "MANAGER", "PBM", "PAYER",
                           "CARRIER", "VENDOR", "ENTITY", "PLAN", "RX", "ITS", "THEIR"})


@dataclass(frozen=True)
class Entry:
    """One EB segment of the 271, reduced to what selection needs."""

    code: str
    types: frozenset
    level: str | None
    time: str | None
    network: str | None
    amount: Decimal | None
    percent: Decimal | None
    places: frozenset
    texts: tuple
    authorization: bool
    administrator: str | None  # another entity administers the benefit (a carve-out)
    insurance_type: str | None = None  # EB04, `insuranceTypeCode`
    deductible_first: bool | None = None  # its free text: the deductible applies first or not


@dataclass(frozen=True)
class Selection:
    status: str  # active / inactive
    plan_name: str | None
    plan_begin: date | None
    plan_end: date | None
    benefits: dict  # the estimate request's benefits shape; Decimal and date values
    confidence: str  # high / low
    warnings: tuple  # {code, message, field?}
    prior_authorization: tuple  # service type codes the payer flags
    qmb: bool = False  # an active entry of insurance type QM


def _dicts(value):
    if isinstance(value, dict):
        return [value]
    return [item for item in value if isinstance(item, dict)] if isinstance(value, list) else []


def _codes(value):
    items = [value] if isinstance(value, str) else value if isinstance(value, list) else []
    return frozenset(str(item) for item in items if item)


def _decimal(value, limit, places):
    if value is None or isinstance(value, bool):
        return None
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return None
    if not number.is_finite() or not 0 <= number <= limit:
        return None
    return number.quantize(places, ROUND_HALF_UP)


def _date(text):
    try:
        return datetime.strptime(str(text), "%Y%m%d").date()
    except ValueError:
        return None


def _administrator(raw):
    for entity in _dicts(raw.get("benefitsRelatedEntities")) + _dicts(
            raw.get("benefitsRelatedEntity")):
        label = str(entity.get("entityIdentifier") or "").lower()
        if (entity.get("entityIdentifierCode") in PAYER_ENTITIES or raw.get("code") == "U"
                or any(word in label for word in PAYER_WORDS)
                or PBM.search(f"{label} {entity.get('entityName') or ''}")):
            return str(entity.get("entityName") or "another entity")[:100]
    return "another entity" if raw.get("code") == "U" else None


def _code(value):
    """An X12 code as sent, or None when the field holds anything but a string."""
    return value if isinstance(value, str) else None


def _deductible_first(texts):
    """What an entry's free text says of the deductible: True (applies first), False (does
    not apply), None (nothing, or both)."""
    said = set()
    for note in texts:
        if NO_DEDUCTIBLE_FIRST.search(note):
            said.add(False)
        elif DEDUCTIBLE_FIRST.search(note):
            said.add(True)
    return said.pop() if len(said) == 1 else None


def _entry(raw):
    texts = tuple(str(item["description"]) for item in _dicts(raw.get("additionalInformation"))
                  if item.get("description"))
    percent = _decimal(raw.get("benefitPercent"), Decimal(100), Decimal("0.0001"))
    if percent is not None and percent > 1:  # a percentage sent as 20 rather than 0.20
        percent = (percent / 100).quantize(Decimal("0.0001"), ROUND_HALF_UP)
    return Entry(
        code=str(raw.get("code") or ""),
        types=_codes(raw.get("serviceTypeCodes")) or frozenset({"30"}),
        level=_code(raw.get("coverageLevelCode")) or "IND",
        time=_code(raw.get("timeQualifierCode")),
        network=_code(raw.get("inPlanNetworkIndicatorCode")),
        amount=_decimal(raw.get("benefitAmount"), LIMIT, CENT),
        percent=percent,
        places=frozenset(str(item.get("industryCode"))
                         for item in _dicts(raw.get("eligibilityAdditionalInformationList"))
                         if item.get("codeListQualifierCode") == "ZZ"),
        texts=texts,
        authorization=raw.get("authOrCertIndicator") == "Y",
        administrator=_administrator(raw),
        insurance_type=_code(raw.get("insuranceTypeCode")),
        deductible_first=_deductible_first(texts),
    )


class _Notes:
    """Warnings in the order found, each once."""

    def __init__(self):
        self.items = []

    def add(self, code, message, field=None):
        item = {"code": code, "message": message, **({"field": field} if field else {})}
        if item not in self.items:
            self.items.append(item)

    @property
    def low(self):
        return any(item["code"] in LOW_CONFIDENCE for item in self.items)


def _unique(*kinds):
    return tuple(dict.fromkeys(kinds))


def _candidates(entries, chain, side):
    """Entries on the network side from the first service type in `chain` that has any."""
    on_side = [e for e in entries if e.network == SIDES[side] or e.network in BOTH_SIDES]
    for kind in chain:
        of_type = [e for e in on_side if kind in e.types]
        if of_type:
            return of_type
    return []


def _preferred(entries, side):
    """Entries for this network side alone win over entries for both (W, U, none)."""
    return [e for e in entries if e.network == SIDES[side]] or entries


def _choose(notes, entries, value_of, costlier, field, label):
    values = sorted({value_of(e) for e in entries} - {None})
    if not values:
        return None
    chosen = costlier(values)
    if len(values) > 1:
        notes.add("eligibility_conflicting_benefits",
                  f"The payer sent {' and '.join(text(v) for v in values)} for the {label}; "
                  f"the estimate uses {text(chosen)}, the one costing the patient more.", field)
    return chosen


def _accumulator(notes, entries, chain, side, level, prefix, row):
    """{total, met} of a deductible (C) or out-of-pocket maximum (G), or {}."""
    code, total_key, met_key, name = row
    label = f"{side}-network {'family ' if level == 'FAM' else ''}{name}"
    group = _candidates([e for e in entries if e.code == code and e.level == level
                         and e.amount is not None], chain, side)

    def pick(times, costlier, key, what):
        return _choose(notes, _preferred([e for e in group if e.time in times], side),
                       lambda e: e.amount, costlier, prefix + key, f"{label}{what}")

    total = pick(TOTAL_TIMES, max, total_key, "")
    met = pick({YEAR_TO_DATE}, min, met_key, " met so far")
    remaining = pick({REMAINING}, max, met_key, " remaining")
    if total is None:
        if remaining is None:
            return {}
        notes.add("eligibility_total_missing",
                  f"The payer sent only what remains of the {label} ({text(remaining)}); it is "
                  "used as the total with nothing met, which holds until the plan year ends.",
                  prefix + total_key)
        return {total_key: remaining, met_key: ZERO}
    from_met = None if met is None else max(total - met, ZERO)
    left = [v for v in (remaining, from_met) if v is not None]
    if not left:
        return {total_key: total, met_key: ZERO}
    chosen = min(max(left), total)
    if len(set(left)) > 1 or max(left) > total:
        notes.add("eligibility_conflicting_benefits",
                  f"The payer's figures for the {label} of {text(total)} do not agree (remaining "
                  f"{' or '.join(text(v) for v in sorted(set(left)))}); the estimate uses "
                  f"{text(chosen)} remaining, the one costing the patient more.", prefix + met_key)
    return {total_key: total, met_key: total - chosen}


def _network_benefits(notes, entries, chain, side, prefix):
    data, family = {}, {}
    for row in ACCUMULATORS:
        data.update(_accumulator(notes, entries, chain, side, "IND", prefix, row))
        family.update(_accumulator(notes, entries, chain, side, "FAM", prefix + "family.", row))
    rates = [e for e in entries if e.code == "A"]
    coinsurance = _choose(notes, _preferred(_candidates(rates, chain, side), side),
                          lambda e: e.percent, max, prefix + "coinsurance",
                          f"{side}-network coinsurance")
    if coinsurance is not None:
        data["coinsurance"] = coinsurance
    by_category = {}
    for category, own in sorted(COINSURANCE_TYPES.items()):
        rate = _choose(notes, _preferred(_candidates(rates, own, side), side),
                       lambda e: e.percent, max, f"{prefix}coinsurance_by_category.{category}",
                       f"{side}-network {category.replace('_', ' ')} coinsurance")
        if rate is not None:
            by_category[category] = rate
    if by_category:
        data["coinsurance_by_category"] = by_category
    if family:
        data["family"] = family
    return data


def _after_deductible(notes, group, field, label):
    """Whether the copay is owed only after the deductible: its entries' free text says the
    deductible applies first. Entries that disagree, or some saying so and others nothing:
    the costlier reading (after the deductible), with a conflict warning."""
    said = {e.deductible_first for e in group}
    if True not in said:
        return False
    if said != {True}:
        notes.add("eligibility_conflicting_benefits",
                  f"Some of the payer's entries for the {label} say the deductible applies "
                  "first and others do not; the estimate owes the copay only once the "
                  "deductible is met, the reading costing the patient more.", field)
    return True


def _copays(notes, entries, requested):
    copays, entries = {}, [e for e in entries if e.code == "B"]
    for category, specific in sorted(COPAY_TYPES.items()):
        own = (requested,) if requested in specific + MENTAL_HEALTH else ()
        chain = _unique(*specific, *own, *MENTAL_HEALTH, "30")
        group = [e for e in _preferred(_candidates(entries, chain, "in"), "in")
                 if e.amount is not None]
        field, label = f"copays.{category}", f"in-network {category.replace('_', ' ')} copay"
        amount = _choose(notes, group, lambda e: e.amount, max, field, label)
        if amount is None:
            continue
        copays[category] = ({"amount": amount, "after_deductible": True}
                            if _after_deductible(notes, group, field, label) else amount)
    return copays


def _status(answer, entries, requested):
    active, inactive = set(), set()
    found = [(e.code, e.types) for e in entries] + [
        (str(s.get("statusCode")), _codes(s.get("serviceTypeCodes")) or {"30"})
        for s in _dicts(answer.get("planStatus"))]
    for code, types in found:
        if code in ACTIVE:
            active |= types
        elif code in INACTIVE:
            inactive |= types
    for kind in (requested, "30"):
        if kind in active:
            return "active"
        if kind in inactive:
            return "inactive"
    return "active" if active else "inactive"


def _plan_name(answer):
    names = [raw.get("planCoverage") for raw in _dicts(answer.get("benefitsInformation"))
             if raw.get("code") == "1"
             and not (_codes(raw.get("serviceTypeCodes")) or {"30"}) <= PHARMACY]
    names += [s.get("planDetails") for s in _dicts(answer.get("planStatus"))]
    return next((str(name)[:200] for name in names if name), None)


def _plan_year_start(notes, begin, entries, checked_on):
    if any(e.time == CALENDAR_YEAR for e in entries if e.code in ("C", "G")):
        return date((begin or checked_on).year, 1, 1)
    if begin is None:
        notes.add("eligibility_plan_year_unknown", "The payer sent no plan dates: the plan "
                  "year is taken to start on January 1.", "plan_year_start")
    return begin


def _notices(notes, entries, requested, network, authorized):
    relevant = {requested, *MENTAL_HEALTH, "A6", "98", "30"}
    for entry in entries:
        if entry.administrator and entry.types & relevant:
            notes.add("eligibility_carve_out",
                      f"The payer says {entry.administrator} administers benefits for service "
                      f"types {', '.join(sorted(entry.types & relevant))}: check eligibility "
                      "with them; the figures here may not apply.")
    for note in dict.fromkeys(t for e in entries for t in e.texts if NETWORK_TEXT.search(t)):
        notes.add("eligibility_network_hint",
                  f'The payer\'s answer says "{note[:200]}". The estimate keeps the network the '
                  f"request names ({network}-network); confirm it with the payer.")
    flagged = sorted(set(authorized) & relevant)
    if flagged:
        notes.add("eligibility_prior_authorization",
                  f"The payer requires prior authorization for service types {', '.join(flagged)}.")


def _pharmacy(notes, entries):
    """`benefits.pharmacy` from the pharmacy entries (88, 90, 89; in network; individual), or
    {}. Chosen as the medical figures are: same helpers, same conflict rule."""
    data = {}
    for row in PHARMACY_ACCUMULATORS:
        data.update(_accumulator(notes, entries, PHARMACY_TYPES, "in", "IND", "pharmacy.", row))
    if "out_of_pocket_max" in data:
        data["integrated_out_of_pocket"] = False  # the 271 gives the pharmacy its own limit
    individual = [e for e in entries if e.level == "IND"]
    rates = [e for e in individual if e.code == "A"]
    coinsurance = _choose(notes, _preferred(_candidates(rates, PHARMACY_TYPES, "in"), "in"),
                          lambda e: e.percent, max, "pharmacy.coinsurance",
                          "in-network pharmacy coinsurance")
    copays = [e for e in individual if e.code == "B" and e.time in PER_FILL_TIMES]
    copay = _choose(notes, _preferred(_candidates(copays, PHARMACY_TYPES, "in"), "in"),
                    lambda e: e.amount, max, "pharmacy.copay_per_fill",
                    "in-network pharmacy copay per fill")
    if copay is not None:
        data["copay_per_fill"] = copay
    if coinsurance is not None:
        data["coinsurance"] = coinsurance
    return data


def _organization(name):
    """An organization's name for a warning: the leading words of letters only (no digits, so
    no member id or phone number), up to a stop word or punctuation; None when nothing
    but generic words ("THE PHARMACY BENEFIT MANAGER") is left."""
    words = []
    for word in re.split(r"[,;:()\n]|\.(?:\s|$)", str(name or ""))[0].split():
        if (word.upper() in NAME_ENDS or len(words) == 6
                or not re.fullmatch(r"[A-Za-z][A-Za-z&'./-]*|&", word)):
            break
        words.append(word)
    while words and words[-1] == "&":
        words.pop()
    if all(word.upper().strip(".") in GENERIC_NAMES for word in words):
        return None
    return " ".join(words)[:60]


def _pharmacy_carve_out(entries):
    """(carved out, the other payer's name or None): a pharmacy entry (88, 89, 90) another
    entity administers (loop 2120, EB code U), or free text on a pharmacy entry, or
    speaking of pharmacy on any entry, saying the benefit is carved out or handled by
    another payer or a pharmacy benefit manager."""
    found, names = False, []
    for entry in entries:
        pharmacy_type = bool(entry.types & PHARMACY)
        if pharmacy_type and entry.administrator:
            found = True
            names.append(_organization(entry.administrator))
        for note in entry.texts:
            if CARVE_OUT_TEXT.search(note) and (pharmacy_type or PHARMACY_WORDS.search(note)):
                found = True
                named = NAMED_AFTER.search(note)
                names.append(_organization(named.group(1)) if named else None)
    return found, next((name for name in names if name), None)


def select(answer, service_type="MH", network="in", checked_on=None):
    """The member's benefits in a 271 answer for one service type and network."""
    checked_on = checked_on or date.today()
    entries = [_entry(raw) for raw in _dicts(answer.get("benefitsInformation"))]
    info = (_dicts(answer.get("planDateInformation")) or [{}])[0]
    first, _, last = str(info.get("plan") or "").partition("-")
    begin = _date(first) or _date(info.get("planBegin"))
    end = _date(last) or _date(info.get("planEnd"))
    authorized = tuple(sorted({t for e in entries if e.authorization for t in e.types}))
    notes, benefits = _Notes(), {}
    status = _status(answer, entries, service_type)
    if status == "inactive":
        notes.add("eligibility_inactive",
                  "The payer reports the coverage inactive: an estimate cannot use this check.")
    else:
        # Pharmacy entries (all their service types 88, 89, 90) are the pharmacy benefit's
        # alone: never medical figures, the plan year or network hints.
        medical = [e for e in entries if not e.types <= PHARMACY]
        usable = [e for e in medical
                  if e.administrator is None and (not e.places or OFFICE in e.places)]
        chain = _unique(service_type, *MENTAL_HEALTH, "98", "30")
        plan_year_start = _plan_year_start(notes, begin, usable, checked_on)
        if plan_year_start:
            benefits["plan_year_start"] = plan_year_start
        benefits.update(_network_benefits(notes, usable, chain, "in", ""))
        copays = _copays(notes, usable, service_type)
        if copays:
            benefits["copays"] = copays
        out = _network_benefits(notes, usable, chain, "out", "out_of_network.")
        if out:
            benefits["out_of_network"] = out
        elif network == "out":
            notes.add("eligibility_no_out_of_network_benefits",
                      "The payer sent no out-of-network benefits: an out-of-network estimate "
                      "expects no reimbursement unless they are entered by hand.",
                      "out_of_network")
        pharmacy = _pharmacy(notes, [e for e in entries if e.types <= PHARMACY
                                     and e.administrator is None])
        if pharmacy:
            benefits["pharmacy"] = pharmacy
        else:
            carved, other = _pharmacy_carve_out(entries)
            if carved:
                notes.add("pharmacy_carved_out",
                          "The payer says the pharmacy benefit is handled by "
                          f"{other or 'another payer or pharmacy benefit manager'} (carved "
                          "out) and sends no pharmacy amounts: ask "
                          f"{other or 'them'} for the copay or coinsurance per fill and enter "
                          "it by hand (benefits.pharmacy).", "pharmacy")
        _notices(notes, medical, service_type, network, authorized)
    if notes.low:
        notes.add("eligibility_low_confidence",
                  "The payer's answer was ambiguous (see the other warnings): confirm the "
                  "benefits with the payer, or enter the right figures by hand.")
    qmb = any(e.insurance_type == QMB and e.code not in INACTIVE for e in entries)
    return Selection(status, _plan_name(answer), begin, end, benefits,
                     "low" if notes.low else "high", tuple(notes.items), authorized, qmb)


def to_json(benefits):
    """Benefits with Decimal and date values as JSON (money and fractions as strings)."""
    if isinstance(benefits, dict):
        return {key: to_json(value) for key, value in benefits.items()}
    if isinstance(benefits, Decimal):
        return text(benefits)
    return benefits.isoformat() if isinstance(benefits, date) else benefits


def from_json(data, key=None):
    """The reverse of `to_json`."""
    if isinstance(data, dict):
        return {name: from_json(value, name) for name, value in data.items()}
    if isinstance(data, str):
        return date.fromisoformat(data) if key == "plan_year_start" else Decimal(data)
    return data
