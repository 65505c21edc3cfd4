"""as_dict(): an Estimate as plain dicts with api.md's keys (Decimals kept, dates ISO)."""

from .results import Estimate, Line, Notice

NOTICE_EXTRAS = ("amount", "date", "month", "policy_id")


def _iso(day):
    return None if day is None else day.isoformat()


def _line(line: Line) -> dict:
    return {
        "service": line.service,
        "units": line.units,
        "charge": line.charge,
        "allowed": line.allowed,
        "insurance_pays": line.insurance_pays,
        "assistance_pays": line.assistance_pays,
        "discount": line.discount,
        "patient_pays": line.patient_pays,
        "deductible": line.deductible,
        "copay": line.copay,
        "coinsurance": line.coinsurance,
        "not_covered": line.not_covered,
        "expected_reimbursement": line.expected_reimbursement,
        "covered": line.covered,
        "reason": line.reason,
        "reason_detail": line.reason_detail,
        "policy_id": line.policy_id,
        "rate_id": line.rate_id,
    }


def _notice(notice: Notice) -> dict:
    """{code, message} plus amount, date, month and policy_id where they apply."""
    data = {"code": notice.code, "message": notice.message}
    if notice.amount is not None:
        data["amount"] = notice.amount
    if notice.date is not None:
        data["date"] = notice.date.isoformat()
    if notice.month is not None:
        data["month"] = notice.month
    if notice.policy_id is not None:
        data["policy_id"] = notice.policy_id
    return data


def as_dict(estimate: Estimate) -> dict:
    t = estimate.totals
    return {
        "currency": estimate.currency,
        "plan": estimate.plan,
        "start_date": estimate.start_date.isoformat(),
        "totals": {
            "charges": t.charges,
            "allowed": t.allowed,
            "insurance_pays": t.insurance_pays,
            "assistance_pays": t.assistance_pays,
            "discount": t.discount,
            "patient_pays": t.patient_pays,
            "deductible": t.deductible,
            "copay": t.copay,
            "coinsurance": t.coinsurance,
            "not_covered": t.not_covered,
            "expected_reimbursement": t.expected_reimbursement,
            "net_patient_cost": t.net_patient_cost,
        },
        "self_pay_total": estimate.self_pay_total,
        "range": (
            None
            if estimate.range is None
            else {"low": estimate.range.low, "high": estimate.range.high}
        ),
        "phases": [
            {
                "name": p.name,
                "kind": p.kind,
                "sessions": p.sessions,
                "first_date": _iso(p.first_date),
                "last_date": _iso(p.last_date),
                "patient_pays": p.patient_pays,
                "insurance_pays": p.insurance_pays,
                "net_patient_cost": p.net_patient_cost,
            }
            for p in estimate.phases
        ],
        "months": [
            {
                "month": m.month,
                "visits": m.visits,
                "patient_pays": m.patient_pays,
                "net_patient_cost": m.net_patient_cost,
            }
            for m in estimate.months
        ],
        "plan_years": [
            {
                "start": y.start.isoformat(),
                "end": y.end.isoformat(),
                "visits": y.visits,
                "patient_pays": y.patient_pays,
                "insurance_pays": y.insurance_pays,
                "deductible": y.deductible,
                "copay": y.copay,
                "coinsurance": y.coinsurance,
                "net_patient_cost": y.net_patient_cost,
            }
            for y in estimate.plan_years
        ],
        "visits": [
            {
                "date": v.date.isoformat(),
                "phase": v.phase,
                "patient_pays": v.patient_pays,
                "net_patient_cost": v.net_patient_cost,
                "lines": [_line(line) for line in v.lines],
            }
            for v in estimate.visits
        ],
        "warnings": [_notice(n) for n in estimate.warnings],
        "data_versions": {
            "policies": list(estimate.data_versions.policies),
            "rates": list(estimate.data_versions.rates),
        },
    }
