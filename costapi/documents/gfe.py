"""Good Faith Estimate (45 CFR 149.610): one Jinja2 template rendered as HTML and as PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from costapi.pricing.notices import MONTH_NAMES

from .fhir import fhir_bundle
from .itemized import SELF_PAY, is_out_of_network, itemized_list, money

__all__ = ["Clinic", "GoodFaithEstimate", "fhir_bundle", "render_html", "render_pdf"]

MODALITIES = {
    "esketamine_nasal": "Esketamine (Spravato) nasal spray",
    "ketamine_iv": "Ketamine by intravenous (IV) infusion",
    "ketamine_im": "Ketamine by intramuscular (IM) injection",
    "ketamine_oral": "Ketamine by mouth (oral or sublingual)",
    "kap": "Ketamine-assisted psychotherapy (KAP)",
    "other": "Other treatment",
}
TIMES = {1: "once", 2: "twice", 3: "three times", 4: "four times", 5: "five times", 6: "six times"}


@dataclass(frozen=True)
class Clinic:
    name: str
    npi: str
    tin: str
    address: str
    phone: str = ""


@dataclass(frozen=True)
class GoodFaithEstimate:
    estimate: dict
    patient_name: str
    patient_date_of_birth: str
    plan_name: str
    plan_description: str | None
    modality: str
    coverage_type: str
    payer_name: str | None
    diagnosis_codes: tuple[str, ...]
    service_descriptions: dict
    clinic: Clinic
    issued_on: str


@dataclass(frozen=True)
class PhaseScope:
    title: str
    kind: str
    sessions: int
    first_date: date
    last_date: date
    frequency: str
    session_dates: tuple[tuple[str, str], ...]  # ("January 2027", "4, 7, 11")


@dataclass(frozen=True)
class Timeframe:
    first_date: date
    last_date: date
    days: int
    sessions: int


def long_date(value: date | str) -> str:
    """January 4, 2027."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{MONTH_NAMES[day.month - 1]} {day.day}, {day.year}"


def short_date(value: date | str) -> str:
    """Jan 4, 2027."""
    day = date.fromisoformat(value) if isinstance(value, str) else value
    return f"{MONTH_NAMES[day.month - 1][:3]} {day.day}, {day.year}"


def month_name(month: str) -> str:
    """2027-01 -> January 2027."""
    year, number = month.split("-")
    return f"{MONTH_NAMES[int(number) - 1]} {year}"


def dollars(amount) -> str:
    """$1,234.50; unit prices with more than cents keep 4 places ($15.1234)."""
    value = money(amount)
    sign = "-" if value < 0 else ""
    places = 2 if value == value.quantize(Decimal("0.01")) else 4
    return f"{sign}${abs(value):,.{places}f}"


def _every(days: int) -> str:
    if days == 1:
        return "every day"
    if days == 7:
        return "once a week"
    return f"every {days // 7} weeks" if days % 7 == 0 else f"every {days} days"


def frequency(dates: list[date]) -> str:
    """How often sessions fall, in words, from the gaps between consecutive dates."""
    if len(dates) < 2:
        return "one session"
    gaps = {(later - earlier).days for earlier, later in pairwise(dates)}
    if len(gaps) == 1:
        return _every(gaps.pop())
    weeks = [0] * ((dates[-1] - dates[0]).days // 7 + 1)
    for day in dates:
        weeks[(day - dates[0]).days // 7] += 1
    per_week = weeks[0]
    if per_week in TIMES and all(n == per_week for n in weeks[:-1]) and 0 < weeks[-1] <= per_week:
        return ("about " if per_week == 1 else "") + f"{TIMES[per_week]} a week"
    return f"{len(dates)} sessions over {(dates[-1] - dates[0]).days + 1} days"


def _session_dates(dates: list[date]) -> tuple[tuple[str, str], ...]:
    months: dict[str, list[str]] = {}
    for day in dates:
        months.setdefault(f"{MONTH_NAMES[day.month - 1]} {day.year}", []).append(str(day.day))
    return tuple((month, ", ".join(days)) for month, days in months.items())


def _title(name: str) -> str:
    """induction-1 -> Induction 1."""
    words = name.replace("_", " ").replace("-", " ").split()
    return " ".join(words)[:1].upper() + " ".join(words)[1:]


def phase_scopes(estimate: dict) -> tuple[PhaseScope, ...]:
    """The recurring-service scope per scheduled phase: sessions, dates and frequency."""
    dates: dict[str, list[date]] = {}
    for visit in estimate["visits"]:
        dates.setdefault(visit["phase"], []).append(date.fromisoformat(visit["date"]))
    kinds = {phase["name"]: phase.get("kind") or "" for phase in estimate["phases"]}
    return tuple(
        PhaseScope(
            _title(name),
            kinds.get(name, ""),
            len(days),
            days[0],
            days[-1],
            frequency(days),
            _session_dates(days),
        )
        for name, days in dates.items()
    )


def timeframe(estimate: dict) -> Timeframe | None:
    """First to last session of the whole estimate (at most 366 days by construction)."""
    days = [date.fromisoformat(visit["date"]) for visit in estimate["visits"]]
    if not days:
        return None
    return Timeframe(days[0], days[-1], (days[-1] - days[0]).days + 1, len(days))


def _environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(Path(__file__).parent / "templates"),
        autoescape=True,
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(
        dollars=dollars,
        long_date=long_date,
        phase_title=_title,
        short_date=short_date,
        month_name=month_name,
    )
    return env


TEMPLATES = _environment()


def document(gfe: GoodFaithEstimate) -> dict:
    """Everything the template shows, computed from the estimate (Decimal, never float)."""
    estimate = gfe.estimate
    return {
        "gfe": gfe,
        "estimate": estimate,
        "clinic": gfe.clinic,
        "self_pay": gfe.coverage_type == SELF_PAY,
        "out_of_network": is_out_of_network(estimate),
        "modality": MODALITIES.get(gfe.modality, _title(gfe.modality)),
        "timeframe": timeframe(estimate),
        "phases": phase_scopes(estimate),
        "items": itemized_list(estimate, gfe.coverage_type, gfe.service_descriptions),
        "diagnosis": ", ".join(gfe.diagnosis_codes),
        "range": estimate.get("range"),
        "warnings": [w["message"] for w in estimate.get("warnings", ()) if w.get("message")],
    }


def render_html(gfe: GoodFaithEstimate) -> str:
    """The Good Faith Estimate as an HTML page (the same template as the PDF)."""
    return TEMPLATES.get_template("gfe.html").render(document(gfe))


def render_pdf(gfe: GoodFaithEstimate) -> bytes:
    """The Good Faith Estimate as a Letter-size PDF (WeasyPrint)."""
    from weasyprint import HTML

    return HTML(string=render_html(gfe)).write_pdf()
