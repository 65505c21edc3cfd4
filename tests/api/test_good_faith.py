"""The Good Faith Estimate through HTTP: HTML, PDF (checked with pdftotext) and FHIR."""
import shutil
import subprocess
from decimal import Decimal

import pytest

from costapi.db import session
from costapi.models import Estimate, Plan
from costapi.pricing.wording import dollars
from costapi.services.good_faith import patient_facing
from tests.api.estimate_requests import self_pay, spravato, with_patient

pytestmark = pytest.mark.usefixtures("seeded")


@pytest.fixture
def estimate(client, billing):
    body = with_patient(self_pay(), name="Jane Q. Doe", date_of_birth="1985-02-14")
    created = client.post("/api/v1/estimates", json=body, headers=billing)
    assert created.status_code == 201
    return created.json


def test_pdf_text_carries_every_required_element(client, billing, estimate, app, tmp_path):
    response = client.get(f"/api/v1/estimates/{estimate['id']}/gfe.pdf", headers=billing)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    pdf = tmp_path / "gfe.pdf"
    pdf.write_bytes(response.data)
    assert shutil.which("pdftotext"), "poppler-utils is installed by scripts/system-deps"
    text = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True,
                          text=True, check=True).stdout
    config = app.config
    # ketamine-iv-6 self-pay: intake 99205 (cash 350.00) + 6 infusions x (450.00 + 75.00)
    # + 6 boosters x 525.00 = 350.00 + 3150.00 + 3150.00 = 6650.00
    assert estimate["totals"]["patient_pays"] == "6650.00"
    expected = [
        "Jane Q. Doe", "February 14, 1985",                     # patient
        config["CLINIC_NAME"], config["CLINIC_NPI"], config["CLINIC_TIN"],
        "100 Main Street",                                        # provider and location
        "Good Faith Estimate", "January 4, 2027",                 # primary service, first date
        "99205", "96365", "J3490",                                # itemized service codes
        "$6,650.00",                                              # expected charges
        "13",                                                     # 1 + 6 + 6 sessions
        "scheduled separately", "$400", "120 days", "not a contract",
    ]
    flat = " ".join(text.split())
    for element in expected:
        assert element in flat, element


def test_html_and_fhir(client, billing, estimate):
    html = client.get(f"/api/v1/estimates/{estimate['id']}/gfe", headers=billing)
    assert html.status_code == 200 and html.mimetype == "text/html"
    assert b"Jane Q. Doe" in html.data
    fhir = client.get(f"/api/v1/estimates/{estimate['id']}/gfe.fhir.json", headers=billing)
    assert fhir.status_code == 200
    claim = next(entry["resource"] for entry in fhir.json["entry"]
                 if entry["resource"]["resourceType"] == "Claim")
    assert claim["use"] == "predetermination"
    lines = [line for visit in estimate["visits"] for line in visit["lines"]]
    assert len(claim["item"]) == len(lines) == 1 + 6 * 2 + 6 * 2
    assert claim["item"][0]["servicedDate"] == "2027-01-04"
    assert claim["item"][0]["productOrService"]["coding"][0]["code"] == "99205"


def test_without_name_and_birth_date_the_gfe_is_409(client, billing):
    created = client.post("/api/v1/estimates", json=self_pay(), headers=billing).json
    for suffix in ("gfe", "gfe.pdf", "gfe.fhir.json"):
        response = client.get(f"/api/v1/estimates/{created['id']}/{suffix}", headers=billing)
        assert response.status_code == 409
        assert response.json == {
            "code": 409, "status": "Conflict", "error": "gfe_patient_required",
            "message": "A Good Faith Estimate needs the patient's name and date of birth: "
                       "create the estimate with patient.name and patient.date_of_birth.",
            "errors": {"json": {"patient": {
                "name": ["Required for a Good Faith Estimate."],
                "date_of_birth": ["Required for a Good Faith Estimate."]}}},
        }


def test_a_gfe_names_only_the_missing_patient_field(client, billing):
    request = {**self_pay(), "patient": {"reference": "MRN-7", "name": "Jane Q. Doe"}}
    created = client.post("/api/v1/estimates", json=request, headers=billing).json
    response = client.get(f"/api/v1/estimates/{created['id']}/gfe", headers=billing)
    assert response.status_code == 409 and response.json["error"] == "gfe_patient_required"
    assert response.json["errors"] == {"json": {"patient": {
        "date_of_birth": ["Required for a Good Faith Estimate."]}}}


def test_unknown_estimate_is_404(client, billing):
    response = client.get("/api/v1/estimates/" + "0" * 36 + "/gfe.pdf", headers=billing)
    assert response.status_code == 404
    assert response.json == {"code": 404, "status": "Not Found", "error": "not_found",
                             "message": f"No estimate {'0' * 36!r}."}


STAFF_NOTE = "set the intake phase to 0 sessions if already done"  # in fixtures/plans.yaml


def _plan_of(estimate):
    return session.get(Plan, session.get(Estimate, estimate["id"]).rule_versions["plan"]["id"])


def test_the_gfe_never_prints_the_plans_staff_description(client, billing, estimate):
    plan = _plan_of(estimate)
    assert STAFF_NOTE in plan.description
    plan.public_name = plan.public_description = None  # the fixtures give both: clear them
    session.commit()
    html = client.get(f"/api/v1/estimates/{estimate['id']}/gfe", headers=billing).data.decode()
    assert STAFF_NOTE not in html and "0.5 mg/kg" not in html
    # No public name: the plan's name; no public description: only the modality in words.
    assert "<strong>IV ketamine, 6-infusion series with boosters</strong> &ndash; Ketamine by " \
           "intravenous (IV) infusion." in html

    plan = _plan_of(estimate)  # the request closed the session the first one came from
    plan.public_name = "IV ketamine: 6 infusions, then boosters"
    plan.public_description = "Six infusions over two weeks, then a booster every four weeks."
    session.commit()
    html = client.get(f"/api/v1/estimates/{estimate['id']}/gfe", headers=billing).data.decode()
    assert "IV ketamine: 6 infusions, then boosters" in html
    assert "Six infusions over two weeks, then a booster every four weeks." in html
    assert STAFF_NOTE not in html and "6-infusion series" not in html
    pdf = client.get(f"/api/v1/estimates/{estimate['id']}/gfe.pdf", headers=billing)
    assert pdf.status_code == 200


def test_patient_facing_plan_text_falls_back_to_the_name_and_nothing():
    staff = "Bill 99205 only for new patients (staff note)."
    plan = Plan(name="IV ketamine series", description=staff, public_name=None,
                public_description=None)
    assert patient_facing(plan) == ("IV ketamine series", None)
    plan.public_name, plan.public_description = "  ", ""
    assert patient_facing(plan) == ("IV ketamine series", None)
    plan.public_name, plan.public_description = "Ketamine infusions", "Six infusions."
    assert patient_facing(plan) == ("Ketamine infusions", "Six infusions.")
    assert staff not in patient_facing(plan)



def test_an_insured_gfe_shows_the_allowed_amount_and_what_is_not_billed(client, billing):
    body = with_patient(spravato(), name="Jane Q. Doe", date_of_birth="1985-02-14")
    created = client.post("/api/v1/estimates", json=body, headers=billing)
    assert created.status_code == 201
    totals = created.json["totals"]
    html = " ".join(client.get(f"/api/v1/estimates/{created.json['id']}/gfe",
                               headers=billing).data.decode().split())
    assert "Allowed amount" in html and "Not billed to you" in html
    # The write-off total is what nobody pays of the charges (nothing is clinic-liable here).
    paid = sum(Decimal(totals[k]) for k in ("insurance_pays", "assistance_pays", "patient_pays"))
    write_off = Decimal(totals["charges"]) - paid
    assert write_off > 0
    assert f"of which {dollars(write_off)} is not billed to you" in html
    assert f"{dollars(paid)}</td>" in html  # the allowed column's total: what is paid
