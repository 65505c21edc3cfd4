"""The GFE as a Da Vinci Patient Cost Transparency style FHIR R4 Bundle (a JSON-ready dict)."""

from __future__ import annotations

import re
from decimal import Decimal
from uuid import NAMESPACE_URL, uuid5

from costapi.pricing.money import ZERO

from .itemized import SELF_PAY, expected_charge, is_pharmacy, unit_price
from .model import GoodFaithEstimate

PCT = "http://hl7.org/fhir/us/davinci-pct/StructureDefinition/"
GFE_PROFESSIONAL = PCT + "davinci-pct-gfe-professional"
CPT = "http://www.ama-assn.org/go/cpt"
HCPCS = "http://www.cms.gov/Medicare/Coding/HCPCSReleaseCodeSets"
LOCAL_SERVICE_CODES = "urn:costapi:service-code"
ICD_10_CM = "http://hl7.org/fhir/sid/icd-10-cm"
NPI = "http://hl7.org/fhir/sid/us-npi"
TIN = "urn:oid:2.16.840.1.113883.4.4"
ESTIMATE_IDS = "urn:costapi:estimate"
COVERAGE_KIND = "http://hl7.org/fhir/5.0/StructureDefinition/extension-Coverage.kind"
OFFICE = {
    "system": "https://www.cms.gov/Medicare/Coding/place-of-service-codes/Place_of_Service_Code_Set",
    "code": "11",
    "display": "Office",
}
DISCLAIMERS = (
    "This Good Faith Estimate is not a contract and does not require the patient to obtain "
    "the items or services from the provider.",
    "The patient may dispute a bill that is at least $400 more than this estimate within "
    "120 days of the date on the bill: www.cms.gov/nosurprises.",
)
DIAGNOSIS_POINTERS = 4  # a professional claim line points to at most 4 diagnoses


def code_system(code: str) -> str:
    """CPT for 5-digit and Category II/III codes (0820T), HCPCS Level II for J0013, G2082."""
    if re.fullmatch(r"\d{4}[0-9FT]", code):
        return CPT
    if re.fullmatch(r"[A-V]\d{4}", code):
        return HCPCS
    return LOCAL_SERVICE_CODES


def _coding(system: str, code: str, display: str | None = None) -> dict:
    coding = {"system": system, "code": code}
    if display:
        coding["display"] = display
    return {"coding": [coding]}


def _money(amount: Decimal, currency: str) -> dict:
    return {"value": amount, "currency": currency}


def _address(text: str) -> dict:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    return {"text": ", ".join(lines), "line": lines, "country": "US"}


def _claim_items(gfe: GoodFaithEstimate, currency: str, pointers: list[int]) -> list[dict]:
    """One item per clinic line. A pharmacy line (domain 3.8) is the specialty pharmacy's, not
    the clinic's: it is no item of the clinic's predetermination Claim."""
    items = []
    for visit in gfe.estimate["visits"]:
        for line in visit["lines"]:
            if is_pharmacy(line):
                continue
            code, units = line["service"], int(line["units"])
            net = expected_charge(line, gfe.coverage_type)
            description = line.get("description") or gfe.service_descriptions.get(code) or code
            item = {
                "extension": [{"url": PCT + "serviceDescription", "valueString": description}],
                "sequence": len(items) + 1,
                "productOrService": {**_coding(code_system(code), code), "text": description},
                "servicedDate": visit["date"],
                "locationCodeableConcept": {"coding": [OFFICE]},
                "quantity": {"value": units},
                "unitPrice": _money(unit_price(net, units), currency),
                "net": _money(net, currency),
            }
            if pointers:
                item["diagnosisSequence"] = pointers
            items.append(item)
    return items


def _diagnoses(codes: tuple[str, ...]) -> list[dict]:
    principal = _coding("http://terminology.hl7.org/CodeSystem/ex-diagnosistype", "principal")
    other = _coding("http://hl7.org/fhir/us/davinci-pct/CodeSystem/PCTDiagnosisType", "other")
    return [
        {
            "sequence": n,
            "diagnosisCodeableConcept": _coding(ICD_10_CM, code),
            "type": [principal if n == 1 else other],
        }
        for n, code in enumerate(codes, start=1)
    ]


def _organization(ref: str, name: str, kind: str, display: str) -> dict:
    return {
        "resourceType": "Organization",
        "id": ref,
        "active": True,
        "type": [_coding("http://terminology.hl7.org/CodeSystem/organization-type", kind, display)],
        "name": name,
    }


def _clinic(gfe: GoodFaithEstimate, ref: str) -> dict:
    clinic = gfe.clinic
    organization = _organization(ref, clinic.name, "prov", "Healthcare Provider")
    organization["identifier"] = [
        {"system": NPI, "value": clinic.npi},
        {
            "type": _coding("http://terminology.hl7.org/CodeSystem/v2-0203", "TAX"),
            "system": TIN,
            "value": clinic.tin,
        },
    ]
    if clinic.phone:
        organization["telecom"] = [{"system": "phone", "value": clinic.phone, "use": "work"}]
    organization["address"] = [_address(clinic.address)]
    return organization


def _coverage(gfe: GoodFaithEstimate, ref: str, patient: str, payer: str | None) -> dict:
    self_pay = gfe.coverage_type == SELF_PAY
    coverage = {
        "resourceType": "Coverage",
        "id": ref,
        "extension": [{"url": COVERAGE_KIND, "valueCode": "self-pay" if self_pay else "insurance"}],
        "status": "active",
        "beneficiary": {"reference": patient},
    }
    if self_pay:
        coverage["type"] = _coding(
            "http://terminology.hl7.org/CodeSystem/coverage-selfpay", "pay", "PAY"
        )
        coverage["payor"] = [{"reference": patient}]
    elif payer:
        coverage["payor"] = [{"reference": payer, "display": gfe.payer_name}]
    else:
        coverage["payor"] = [{"display": "Health plan (not named)"}]
    return coverage


def _json_numbers(value):
    """Decimals become JSON numbers only here, at the output boundary."""
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, dict):
        return {key: _json_numbers(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_json_numbers(item) for item in value]
    return value


def fhir_bundle(gfe: GoodFaithEstimate) -> dict:
    """A collection Bundle: the GFE Claim (use predetermination) and what it references."""
    estimate = gfe.estimate
    estimate_id = str(estimate["id"])
    currency = estimate.get("currency") or "USD"

    def uuid(name: str) -> str:
        return str(uuid5(NAMESPACE_URL, f"{ESTIMATE_IDS}:{estimate_id}:{name}"))

    ids = {name: uuid(name) for name in ("claim", "patient", "clinic", "payer", "coverage")}
    url = {name: f"urn:uuid:{value}" for name, value in ids.items()}
    insured_by = url["payer"] if gfe.coverage_type != SELF_PAY and gfe.payer_name else None

    diagnoses = _diagnoses(gfe.diagnosis_codes)
    pointers = [d["sequence"] for d in diagnoses][:DIAGNOSIS_POINTERS]
    items = _claim_items(gfe, currency, pointers)
    dates = sorted({item["servicedDate"] for item in items})  # the clinic's items only
    claim = {
        "resourceType": "Claim",
        "id": ids["claim"],
        "meta": {"profile": [GFE_PROFESSIONAL]},
        "extension": [{"url": PCT + "gfeDisclaimer", "valueString": text} for text in DISCLAIMERS],
        "identifier": [
            {
                "type": _coding("http://terminology.hl7.org/CodeSystem/v2-0203", "PLAC"),
                "system": ESTIMATE_IDS,
                "value": estimate_id,
            }
        ],
        "status": "active",
        "type": _coding("http://terminology.hl7.org/CodeSystem/claim-type", "professional"),
        "use": "predetermination",
        "patient": {"reference": url["patient"]},
        "created": gfe.issued_on,
        "provider": {"reference": url["clinic"]},
        "priority": _coding("http://terminology.hl7.org/CodeSystem/processpriority", "normal"),
        "insurance": [{"sequence": 1, "focal": True, "coverage": {"reference": url["coverage"]}}],
        "item": items,
        "total": _money(sum((item["net"]["value"] for item in items), ZERO), currency),
    }
    if dates:
        claim["billablePeriod"] = {"start": dates[0], "end": dates[-1]}
    if insured_by:
        claim["insurer"] = {"reference": insured_by, "display": gfe.payer_name}
    if diagnoses:
        claim["diagnosis"] = diagnoses

    patient = {
        "resourceType": "Patient",
        "id": ids["patient"],
        "name": [{"text": gfe.patient_name}],
        "birthDate": gfe.patient_date_of_birth,
    }
    resources = [("claim", claim), ("patient", patient), ("clinic", _clinic(gfe, ids["clinic"]))]
    if insured_by:
        resources.append(("payer", _organization(ids["payer"], gfe.payer_name, "pay", "Payer")))
    resources.append(("coverage", _coverage(gfe, ids["coverage"], url["patient"], insured_by)))
    return _json_numbers(
        {
            "resourceType": "Bundle",
            "id": uuid("bundle"),
            "identifier": {"system": ESTIMATE_IDS, "value": estimate_id},
            "type": "collection",
            "timestamp": estimate.get("created_at") or f"{gfe.issued_on}T00:00:00Z",
            "entry": [{"fullUrl": url[name], "resource": res} for name, res in resources],
        }
    )
