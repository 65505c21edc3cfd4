"""ORM tables, one module per aggregate."""
from costapi.models.assistance import Program
from costapi.models.auth import ApiKey
from costapi.models.catalog import Service
from costapi.models.discounts import Discount
from costapi.models.payers import Payer, Policy, Rate
from costapi.models.plans import Plan

__all__ = ["ApiKey", "Discount", "Payer", "Plan", "Policy", "Program", "Rate", "Service"]
