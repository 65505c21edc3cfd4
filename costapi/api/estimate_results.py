"""The documented shape of an estimate (the routes send it pre-serialized with orjson)."""
from marshmallow import Schema, fields

from costapi.api.fields import Cents, Timestamp

MONEY_TOTALS = ("charges", "allowed", "insurance_pays", "secondary_pays", "assistance_pays",
                "clinic_write_off", "discount",
                "patient_pays", "deductible", "copay", "coinsurance", "not_covered",
                "expected_reimbursement", "expected_rebate", "net_patient_cost")


def _money(*names):
    return {name: Cents(required=True) for name in names}


TotalsSchema = Schema.from_dict(_money(*MONEY_TOTALS), name="EstimateTotals")
RangeSchema = Schema.from_dict(_money("low", "high"), name="EstimateRange")


class LineSchema(Schema):
    service = fields.String(required=True)
    description = fields.String(required=True)
    units = fields.Integer(required=True)
    charge, cash, allowed, insurance_pays, secondary_pays, assistance_pays, discount = (
        Cents(required=True) for _ in range(7))
    patient_pays, deductible, copay, coinsurance, not_covered, clinic_write_off = (
        Cents(required=True) for _ in range(6))
    expected_reimbursement, expected_rebate = (Cents(required=True) for _ in range(2))
    allowed_basis = fields.String(allow_none=True, metadata={"enum": [
        "contracted", "percent_of_charge", "charge", "out_of_network_percent", "pharmacy_rate",
        "list_price", "none", None]})
    benefit = fields.String(required=True, metadata={
        "enum": ["medical", "pharmacy"],
        "description": "pharmacy: dispensed by a specialty pharmacy under the pharmacy benefit;"
                       " the clinic bills nothing for it (charge 0)"})
    covered = fields.Boolean(required=True)
    reason = fields.String(allow_none=True, metadata={"enum": [
        "policy_exclusion", "diagnosis", "prior_authorization_denied", "visit_limit",
        "self_pay", None]})
    reason_detail = fields.String(allow_none=True)
    liability = fields.String(allow_none=True, metadata={"enum": ["patient", "clinic", None]})
    prior_authorization = fields.String(allow_none=True, metadata={"enum": [
        "approved", "expired", "pending", "not_requested", "denied", None]})
    policy_id = fields.Integer(allow_none=True)
    rate_id = fields.Integer(allow_none=True)


class BalancesSchema(Schema):
    deductible_remaining = Cents(required=True)
    out_of_pocket_remaining = Cents(required=True, allow_none=True, metadata={
        "description": "null: no out-of-pocket limit"})
    programs_remaining = fields.Dict(keys=fields.String(), values=Cents(allow_none=True),
                                     required=True)
    pharmacy_deductible_remaining = Cents(metadata={
        "description": "present only when the pharmacy benefit has its own deductible"})


class VisitSchema(Schema):
    date = fields.Date(required=True)
    phase = fields.String(required=True)
    patient_pays = Cents(required=True)
    secondary_pays = Cents(required=True)
    clinic_write_off, expected_rebate = (Cents(required=True) for _ in range(2))
    net_patient_cost = Cents(required=True)
    balances = fields.Nested(BalancesSchema, allow_none=True, metadata={
        "description": "The primary's running figures after the visit; null for self-pay"})
    lines = fields.List(fields.Nested(LineSchema), required=True)


class PhaseSummarySchema(Schema):
    name = fields.String(required=True)
    kind = fields.String(required=True)
    sessions = fields.Integer(required=True)
    first_date = fields.Date(allow_none=True)
    last_date = fields.Date(allow_none=True)
    patient_pays, insurance_pays, secondary_pays, clinic_write_off, expected_rebate = (
        Cents(required=True) for _ in range(5))
    net_patient_cost = Cents(required=True)


class MonthSchema(Schema):
    month = fields.String(required=True, metadata={"example": "2027-01"})
    visits = fields.Integer(required=True)
    patient_pays, secondary_pays, clinic_write_off, expected_rebate, net_patient_cost = (
        Cents(required=True) for _ in range(5))


class PlanYearSchema(Schema):
    start = fields.Date(required=True)
    end = fields.Date(required=True)
    visits = fields.Integer(required=True)
    patient_pays, insurance_pays, secondary_pays, clinic_write_off, deductible, copay = (
        Cents(required=True) for _ in range(6))
    coinsurance, expected_rebate, net_patient_cost = (Cents(required=True) for _ in range(3))


class WarningSchema(Schema):
    code = fields.String(required=True)
    message = fields.String(required=True)
    amount = Cents()
    date = fields.Date()
    month = fields.String()
    policy_id = fields.Integer()
    payer = fields.String(metadata={"description": "The secondary payer a warning is about."})
    clinic_amount = Cents(metadata={"description": "prior_authorization_required: the cash "
                                    "price the clinic, not the patient, bears if denied"})


class DataVersionsSchema(Schema):
    policies = fields.List(fields.Integer(), required=True)
    rates = fields.List(fields.Integer(), required=True)
    calendar = fields.Integer(required=True, allow_none=True, metadata={
        "description": "The id of the clinic calendar row used; null: none stored."})


class EstimateSchema(Schema):
    id = fields.String(allow_none=True, metadata={"description": "null for a preview"})
    created_at = Timestamp(allow_none=True)
    patient_reference = fields.String(allow_none=True)
    recalculated_from = fields.String(allow_none=True)
    currency = fields.String(required=True)
    plan = fields.String(required=True)
    start_date = fields.Date(required=True)
    totals = fields.Nested(TotalsSchema, required=True)
    self_pay_total = Cents(required=True, metadata={
        "description": "What the same schedule costs at cash prices, without discounts."})
    range = fields.Nested(RangeSchema, allow_none=True)
    phases = fields.List(fields.Nested(PhaseSummarySchema), required=True)
    months = fields.List(fields.Nested(MonthSchema), required=True)
    plan_years = fields.List(fields.Nested(PlanYearSchema), required=True)
    visits = fields.List(fields.Nested(VisitSchema), required=True)
    warnings = fields.List(fields.Nested(WarningSchema), required=True)
    data_versions = fields.Nested(DataVersionsSchema, required=True)


class EstimateSummarySchema(Schema):
    id = fields.String(required=True)
    created_at = Timestamp(required=True)
    plan = fields.String(required=True)
    start_date = fields.Date(required=True)
    patient_reference = fields.String(allow_none=True)
    recalculated_from = fields.String(allow_none=True)
    totals = fields.Nested(TotalsSchema, required=True)


class SecondarySummarySchema(Schema):
    payer = fields.String(required=True)
    method = fields.String(required=True)


class CoverageSummarySchema(Schema):
    type = fields.String(required=True)
    payer = fields.String(allow_none=True)
    network = fields.String(allow_none=True)
    secondary = fields.Nested(SecondarySummarySchema, allow_none=True)


class OptionSchema(Schema):
    option = fields.Integer(required=True, metadata={"description": "index in the request"})
    coverage = fields.Nested(CoverageSummarySchema, required=True)
    plan = fields.String(required=True)
    start_date = fields.Date(required=True)
    totals = fields.Nested(TotalsSchema, required=True)
    self_pay_total = Cents(required=True)
    range = fields.Nested(RangeSchema, allow_none=True)
    phases = fields.List(fields.Nested(PhaseSummarySchema), required=True)
    months = fields.List(fields.Nested(MonthSchema), required=True)
    plan_years = fields.List(fields.Nested(PlanYearSchema), required=True)
    warnings = fields.List(fields.Nested(WarningSchema), required=True)


class ComparisonSchema(Schema):
    cheapest = fields.Integer(required=True)
    differences = fields.List(fields.String(), required=True, metadata={
        "description": "Dotted request fields that differ between the options."})
    options = fields.List(fields.Nested(OptionSchema), required=True)
