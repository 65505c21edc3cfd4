"""ORM tables, one module per aggregate."""
from costapi.models.assistance import Program
from costapi.models.audit import AuditEvent
from costapi.models.auth import ApiKey
from costapi.models.calendar import Calendar
from costapi.models.catalog import Service
from costapi.models.discounts import Discount
from costapi.models.eligibility import EligibilityCheck
from costapi.models.estimates import Estimate, IdempotencyKey
from costapi.models.generation import RuleGeneration
from costapi.models.payers import Payer, Policy, Rate, StandardBenefit
from costapi.models.plans import Plan
from costapi.models.remittances import Remittance, RemittanceClaim, RemittanceLine

__all__ = ["ApiKey", "AuditEvent", "Calendar", "Discount", "EligibilityCheck", "Estimate",
           "IdempotencyKey", "Payer", "Plan", "Policy", "Program", "Rate", "Remittance",
           "RemittanceClaim", "RemittanceLine", "RuleGeneration", "Service", "StandardBenefit"]
