"""Rules every estimate request follows, whichever form it comes in (staff, public, a check).

The API's schemas and the services call these, so each rule is written once.
"""
from datetime import date

MET_TOTALS = {"deductible_met": "deductible", "out_of_pocket_met": "out_of_pocket_max"}
FIRST_START, LAST_START = date(2000, 1, 1), date(2100, 12, 31)
START_DATE_MESSAGE = "A start date between 2000 and 2100."
FIRST_BIRTH = date(1900, 1, 1)
BIRTH_DATE_MESSAGE = "Not a plausible date of birth."


def met_over_total(amounts):
    """{met field: its total field} for each `*_met` above its total in one benefits mapping."""
    return {met: total for met, total in MET_TOTALS.items()
            if amounts.get(met) is not None and amounts.get(total) is not None
            and amounts[met] > amounts[total]}


def start_date_fits(day):
    """A start date the engine can schedule from (2000 to 2100)."""
    return FIRST_START <= day <= LAST_START


def birth_date_plausible(day):
    """A patient's (or member's) date of birth: from 1900 to today."""
    return FIRST_BIRTH <= day <= date.today()
