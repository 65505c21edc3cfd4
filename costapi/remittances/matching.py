"""Which estimate a claim is about, and which estimate line each remitted line is (domain 7).

The estimate itself is chosen in the service (it is a query); here: an estimate's span and
lines, and the nearest-date assignment of remitted lines to estimate lines.
"""
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True, slots=True)
class EstimateLine:
    """One line of a stored estimate's body: its visit (index and date) and place in it."""

    visit_index: int
    line_index: int
    date: date
    service: str
    figures: dict  # the line as the estimate's body gives it (money as strings)

    @property
    def key(self):
        return self.visit_index, self.line_index


def estimate_lines(result: dict) -> list[EstimateLine]:
    """Every line of an estimate's body (`visits[].lines[]`), in date order."""
    return [EstimateLine(v, i, date.fromisoformat(visit["date"]), line["service"], line)
            for v, visit in enumerate(result.get("visits") or ())
            for i, line in enumerate(visit.get("lines") or ())]


def span(result: dict) -> tuple[date, date] | None:
    """The first and last visit dates of an estimate (None without visits)."""
    visits = result.get("visits") or ()
    if not visits:
        return None
    return date.fromisoformat(visits[0]["date"]), date.fromisoformat(visits[-1]["date"])


def span_holds(result: dict, first: date, last: date) -> bool:
    """Whether the estimate's visits span the claim's service dates."""
    dates = span(result)
    return dates is not None and dates[0] <= first and last <= dates[1]


def nearest(service: str, day: date | None, lines: list[EstimateLine],
            taken: set) -> EstimateLine | None:
    """The untaken line of `service` whose date is nearest `day` (ties: the earlier date,
    then the earlier line)."""
    if day is None:
        return None
    best, best_key = None, None
    for line in lines:
        if line.service != service or line.key in taken:
            continue
        rank = (abs((line.date - day).days), line.date, line.key)
        if best_key is None or rank < best_key:
            best, best_key = line, rank
    return best


def assign(claim_lines, lines: list[EstimateLine], taken: set) -> list[EstimateLine | None]:
    """Each of `claim_lines` ((procedure, date) pairs, in file order) to the nearest untaken
    estimate line of its code; `taken` (keys) is updated."""
    matched = []
    for procedure, day in claim_lines:
        line = nearest(procedure, day, lines, taken)
        if line is not None:
            taken.add(line.key)
        matched.append(line)
    return matched
