"""Good Faith Estimate (45 CFR 149.610): one Jinja2 template rendered as HTML and as PDF."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

from jinja2 import Environment, FileSystemLoader, StrictUndefined

from costapi.pricing.money import ZERO
from costapi.pricing.vocabulary import MODALITY_NAMES
from costapi.pricing.wording import (
    TIMES,
    dollars,
    every,
    long_date,
    month_name,
    month_of,
    plural,
    short_date,
)

from .itemized import (
    SELF_PAY,
    is_out_of_network,
    is_pharmacy,
    itemized_list,
    money,
    other_provider_items,
)
from .model import GoodFaithEstimate

__all__ = ["render_html", "render_pdf"]


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


def frequency(dates: list[date]) -> str:
    """How often sessions fall, in words, from the gaps between consecutive dates."""
    if len(dates) < 2:
        return "one session"
    gaps = {(later - earlier).days for earlier, later in pairwise(dates)}
    if len(gaps) == 1:
        return every(gaps.pop())
    weeks = [0] * ((dates[-1] - dates[0]).days // 7 + 1)
    for day in dates:
        weeks[(day - dates[0]).days // 7] += 1
    per_week = weeks[0]
    if per_week in TIMES and all(n == per_week for n in weeks[:-1]) and 0 < weeks[-1] <= per_week:
        return ("about " if per_week == 1 else "") + f"{TIMES[per_week]} a week"
    return f"{plural(len(dates), 'session')} over {plural((dates[-1] - dates[0]).days + 1, 'day')}"


@dataclass(frozen=True)
class MonthSplit:
    """A month of `estimate.months` with what the patient pays the clinic and the pharmacy."""

    month: str
    visits: int
    clinic: Decimal
    pharmacy: Decimal
    patient_pays: Decimal
    net_patient_cost: Decimal


def month_splits(estimate: dict) -> tuple[MonthSplit, ...]:
    """Each month's patient_pays split by who bills it, from the lines of its visits (a
    pharmacy fill's share is spread over lines of its own month, so the parts add up)."""
    clinic: dict[str, Decimal] = {}
    pharmacy: dict[str, Decimal] = {}
    for visit in estimate["visits"]:
        month = visit["date"][:7]
        for line in visit["lines"]:
            parts = pharmacy if is_pharmacy(line) else clinic
            parts[month] = parts.get(month, ZERO) + money(line["patient_pays"])
    return tuple(
        MonthSplit(
            row["month"],
            row["visits"],
            clinic.get(row["month"], ZERO),
            pharmacy.get(row["month"], ZERO),
            money(row["patient_pays"]),
            money(row.get("net_patient_cost", row["patient_pays"])),
        )
        for row in estimate.get("months", ())
    )


def _session_dates(dates: list[date]) -> tuple[tuple[str, str], ...]:
    months: dict[str, list[str]] = {}
    for day in dates:
        months.setdefault(month_name(month_of(day)), []).append(str(day.day))
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
        plural=plural,
        short_date=short_date,
        month_name=month_name,
    )
    return env


TEMPLATES = _environment()


def closing_line(gfe: GoodFaithEstimate) -> tuple[str, ...]:
    """The parts of the closing line, which the template joins with " · "."""
    parts = [gfe.clinic.name]
    if gfe.clinic.phone:
        parts.append(f"Questions about this estimate: {gfe.clinic.phone}")
    if gfe.estimate.get("created_at"):
        parts.append(f"Estimate calculated {long_date(gfe.estimate['created_at'][:10])}")
    return tuple(parts)


def waiver_name(payer_kind: str | None) -> str:
    """What the patient signs to accept paying for a service the plan does not cover."""
    if payer_kind == "medicare":
        return "an Advance Beneficiary Notice of Noncoverage (ABN)"
    return "a written waiver"


def document(gfe: GoodFaithEstimate) -> dict:
    """Everything the template shows, computed from the estimate (Decimal, never float)."""
    estimate = gfe.estimate
    items = itemized_list(estimate, gfe.coverage_type, gfe.service_descriptions)
    others = other_provider_items(estimate, gfe.coverage_type, gfe.service_descriptions)
    return {
        "gfe": gfe,
        "estimate": estimate,
        "clinic": gfe.clinic,
        "self_pay": gfe.coverage_type == SELF_PAY,
        "out_of_network": is_out_of_network(estimate),
        "modality": MODALITY_NAMES.get(gfe.modality, _title(gfe.modality)),
        "timeframe": timeframe(estimate),
        "phases": phase_scopes(estimate),
        "items": items,
        # The specialty pharmacy's items (domain 3.8), listed apart from the clinic's; the
        # patient's expected total is the clinic's plus theirs.
        "others": others,
        "combined_total": items.total_due + others.total_due,
        "months": month_splits(estimate),
        "waiver": waiver_name(gfe.payer_kind),
        "unwaivable": gfe.unwaivable_reasons,
        "diagnosis": ", ".join(gfe.diagnosis_codes),
        "range": estimate.get("range"),
        "closing": closing_line(gfe),
        "warnings": [w["message"] for w in estimate.get("warnings", ()) if w.get("message")],
    }


def render_html(gfe: GoodFaithEstimate) -> str:
    """The Good Faith Estimate as an HTML page (the same template as the PDF)."""
    return TEMPLATES.get_template("gfe.html").render(document(gfe))


def render_pdf(gfe: GoodFaithEstimate) -> bytes:
    """The Good Faith Estimate as a Letter-size PDF (WeasyPrint)."""
    from weasyprint import HTML

    return HTML(string=render_html(gfe)).write_pdf()
