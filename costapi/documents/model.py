"""What a Good Faith Estimate document is made from: the estimate, the patient, the clinic."""

from __future__ import annotations

from dataclasses import dataclass, field


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
    plan_name: str  # patient-facing (the plan's public_name, else its name)
    plan_description: str | None  # patient-facing only (public_description), never staff notes
    modality: str
    coverage_type: str
    payer_name: str | None
    diagnosis_codes: tuple[str, ...]
    service_descriptions: dict
    clinic: Clinic
    issued_on: str
    payer_kind: str | None = None  # the primary's kind: names the waiver (medicare: an ABN)
    # Reasons a line not covered stays the clinic's whatever the patient signs (3.2 step 7:
    # Medicare Advantage in network, diagnosis and visit limit); the other clinic-liable
    # reasons become the patient's with a signed waiver.
    unwaivable_reasons: frozenset[str] = field(default_factory=frozenset)
