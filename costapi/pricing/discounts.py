"""Self-pay discounts (3.1): package prices first, then sliding scales."""

from decimal import Decimal

from .inputs import PackagePrice, SelfPay, SlidingScale, Tier
from .lines import VisitDraft
from .money import ZERO, allocate, cents
from .notices import Notices
from .schedule import ScheduledPhase


def apply_discounts(
    self_pay: SelfPay,
    plan_code: str,
    scheduled: tuple[ScheduledPhase, ...],
    visits: list[VisitDraft],
    notices: Notices,
) -> None:
    """Packages in request order (one per phase), then sliding scales in request order,
    each on what the patient still pays."""
    packaged: set[str] = set()
    for discount in self_pay.discounts:
        if isinstance(discount, PackagePrice):
            apply_package(discount, plan_code, scheduled, visits, packaged, notices)
    for discount in self_pay.discounts:
        if isinstance(discount, SlidingScale):
            apply_sliding_scale(discount, self_pay, visits, notices)


def apply_package(
    package: PackagePrice,
    plan_code: str,
    scheduled: tuple[ScheduledPhase, ...],
    visits: list[VisitDraft],
    packaged: set[str],
    notices: Notices,
) -> None:
    """The phase's cash total becomes the package price when it has exactly
    `sessions` sessions; the difference is spread over its lines by cash."""
    phase = next((p for p in scheduled if p.phase.name == package.phase), None)
    why = None
    if package.plan != plan_code or phase is None:
        why = "is for another treatment plan"
    elif len(phase.dates) != package.sessions:
        why = (
            f"needs exactly {package.sessions} sessions in the {package.phase} phase;"
            f" this estimate has {len(phase.dates)}"
        )
    elif package.phase in packaged:
        why = "cannot be combined with another package for the same phase"
    if why is not None:
        notices.add(
            "discount_not_applicable", package.code, detail=f'The package "{package.name}" {why}.'
        )
        return
    packaged.add(package.phase)
    lines = [line for visit in visits if visit.phase == package.phase for line in visit.lines]
    left = [line.patient_pays for line in lines]
    discount = max(ZERO, sum(left, ZERO) - cents(Decimal(package.price)))
    for line, share in zip(lines, allocate(discount, left), strict=True):
        line.discount += share
        line.patient_pays -= share


def package_applies(package: PackagePrice, plan_code: str, part: ScheduledPhase) -> bool:
    """3.9: its plan, phase and session count match the phase as scheduled."""
    return (
        package.plan == plan_code
        and package.phase == part.phase.name
        and package.sessions == len(part.dates)
    )


def package_or_cash(
    packages: tuple[PackagePrice, ...], plan_code: str, part: ScheduledPhase, cash: Decimal
) -> tuple[Decimal, PackagePrice | None]:
    """A scheduled phase's self-pay price: the lowest package price that applies to it
    (in list order on a tie) when below its cash price, with that package; else the cash
    price and None."""
    best, chosen = cash, None
    for package in packages:
        if package_applies(package, plan_code, part):
            price = cents(Decimal(package.price))
            if price < best:
                best, chosen = price, package
    return best, chosen


def sliding_scale_tier(scale: SlidingScale, income: Decimal, size: int) -> Tier | None:
    """The first tier (lowest max first) whose max percent of poverty is at least the
    household's: income x 100 <= max_percent x guideline, with
    guideline = poverty_base + poverty_per_additional_person x (size - 1)."""
    guideline = scale.poverty_base + scale.poverty_per_additional_person * (size - 1)
    if guideline <= 0:
        return None
    for tier in sorted(scale.tiers, key=lambda t: t.max_percent_of_poverty):
        if income * 100 <= tier.max_percent_of_poverty * guideline:
            return tier
    return None


def apply_sliding_scale(
    scale: SlidingScale, self_pay: SelfPay, visits: list[VisitDraft], notices: Notices
) -> None:
    """percent_off of what each line still costs, rounded half up per line."""
    income, size = self_pay.household_income, self_pay.household_size
    if income is None or not size:
        notices.add(
            "discount_not_applicable",
            scale.code,
            detail=f'The sliding scale "{scale.name}" needs the household income and size.',
        )
        return
    tier = sliding_scale_tier(scale, income, size)
    if tier is None:
        notices.add(
            "discount_not_applicable",
            scale.code,
            detail=f'The household income is above every tier of the sliding scale "{scale.name}".',
        )
        return
    percent_off = Decimal(tier.percent_off)
    if not percent_off:
        return
    for visit in visits:
        for line in visit.lines:
            off = min(cents(line.patient_pays * percent_off), line.patient_pays)
            line.discount += off
            line.patient_pays -= off
