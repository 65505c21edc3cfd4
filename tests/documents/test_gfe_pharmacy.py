"""The Good Faith Estimate of a plan with a pharmacy line (domain 3.8 and 5): the drug a
specialty pharmacy dispenses under the pharmacy benefit is not one of the clinic's items; it
is listed among items from other providers with the patient's share, and the totals say
what they include. Every service, plan and payer is made here (not the seed fixtures).

The estimates come from the engine through the API; the figures below are worked by hand.
"""
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import pytest

from costapi.documents import Clinic, fhir_bundle, render_html
from costapi.documents.gfe import month_splits
from costapi.documents.itemized import (
    PHARMACY_PROVIDER,
    allowed_shown,
    itemized_list,
    other_provider_items,
)
from costapi.services.good_faith import good_faith_estimate
from tests.api import samples
from tests.api.estimate_requests import with_patient

DRUG, VISIT = "J0013", "G2082"
PAYER, PLAN = "tst-gfe-rx-ppo", "tst-gfe-spravato-rx"
START = "2027-03-01"  # a Monday; 6 sessions every 7 days: Mar 1, 8, 15, 22, 29 and Apr 5
PATIENT = {"name": "Rosa Q. Patient", "date_of_birth": "1979-06-30"}
BENEFITS = {"plan_year_start": "2027-01-01", "deductible": "1000.00", "deductible_met": "0.00",
            "out_of_pocket_max": "4000.00", "out_of_pocket_met": "0.00", "coinsurance": "0.20"}
PHARMACY = {"copay_per_fill": "50.00"}
CLINIC = Clinic("Harbor Light Ketamine Clinic", "1234567893", "12-3456789",
                "200 Harbor Street, Suite 4\nPortland, ME 04101", "(207) 555-0142")
OUTPUT = Path(__file__).resolve().parents[2] / "test-output"  # gitignored
D = Decimal


def covers(**changes):
    return {"modality": "esketamine_nasal", "service": None, "category": None, "covered": True,
            "reason": None, "prior_authorization": False, "diagnosis_codes": [],
            "max_visits_per_year": None, "effective_from": "2026-01-01", "effective_to": None,
            **changes}


@pytest.fixture
def rules(client, admin):
    """J0013 (esketamine, per mg: charge 15.00, cash 12.50) and G2082 (observation visit:
    charge 800.00, cash 700.00); a plan of 6 weekly sessions of J0013 x 56 under the pharmacy
    benefit and G2082; a PPO covering the modality with a pharmacy rate of 9.00 per mg for
    J0013 and 500.00 for G2082."""
    visit = [{"service": DRUG, "units": 56, "benefit": "pharmacy"},
             {"service": VISIT, "units": 1}]
    rates = [{"service": DRUG, "allowed": "9.00", "benefit": "pharmacy",
              "effective_from": "2026-01-01", "effective_to": None},
             {"service": VISIT, "allowed": "500.00", "effective_from": "2026-01-01",
              "effective_to": None}]
    for path, body in (
        ("services", samples.service(DRUG, description="Esketamine nasal spray, 1 mg",
                                     category="drug", charge="15.00", cash_price="12.50")),
        ("services", samples.service(VISIT, description="Esketamine observation, up to 56 mg",
                                     category="office_visit", charge="800.00",
                                     cash_price="700.00")),
        ("plans", {"code": PLAN, "name": "Spravato 56 mg, weekly", "modality": "esketamine_nasal",
                   "phases": [{"name": "induction", "kind": "induction", "sessions": 6,
                               "interval_days": 7, "visit": visit}]}),
        ("payers", samples.payer(PAYER, name="Bayside PPO", rates=rates, policies=[covers()])),
    ):
        response = client.post(f"/api/v1/{path}", json=body, headers=admin)
        assert response.status_code == 201, response.json


def insured(benefits):
    return with_patient({"plan": PLAN, "start_date": START, "coverage": {
        "type": "insurance", "payer": PAYER, "network": "in", "benefits": benefits,
        "diagnosis_codes": ["F33.2"]}}, **PATIENT)


def create(client, billing, body):
    response = client.post("/api/v1/estimates", json=body, headers=billing)
    assert response.status_code == 201, response.json
    return response.json


def document(app, estimate):
    with app.app_context():
        return good_faith_estimate(estimate["id"], CLINIC)


def lines(estimate, service):
    return [ln for visit in estimate["visits"] for ln in visit["lines"] if ln["service"] == service]


def words(text):
    return " ".join(text.split())


def pdf_pages(client, billing, estimate, name):
    """The GFE PDF through the API, its text, and its pages as PNG (80 dpi) in test-output/."""
    response = client.get(f"/api/v1/estimates/{estimate['id']}/gfe.pdf", headers=billing)
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    OUTPUT.mkdir(exist_ok=True)
    for old in OUTPUT.glob(f"gfe-{name}-page-*.png"):
        old.unlink()
    path = OUTPUT / f"gfe-{name}.pdf"
    path.write_bytes(response.data)
    text = subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                          text=True, check=True).stdout
    subprocess.run(["pdftoppm", "-png", "-r", "80", str(path), str(OUTPUT / f"gfe-{name}-page")],
                   check=True)
    return words(text), sorted(OUTPUT.glob(f"gfe-{name}-page-*.png"))


needs_poppler = pytest.mark.skipif(
    shutil.which("pdftoppm") is None or shutil.which("pdftotext") is None,
    reason="poppler-utils not installed (scripts/system-deps)")


@pytest.fixture
def with_copay(client, billing, rules):
    return create(client, billing, insured({**BENEFITS, "pharmacy": PHARMACY}))


def test_the_engine_reports_the_drug_as_a_pharmacy_line(with_copay):
    drug, visit = lines(with_copay, DRUG), lines(with_copay, VISIT)
    assert len(drug) == len(visit) == 6
    assert {ln["benefit"] for ln in drug} == {"pharmacy"}
    assert {ln["benefit"] for ln in visit} == {"medical"}
    # The clinic bills nothing for the drug; allowed = 56 mg x 9.00 = 504.00 a session.
    assert {ln["charge"] for ln in drug} == {"0.00"}
    assert {ln["allowed"] for ln in drug} == {"504.00"}
    # March fill: 5 sessions, allowed 5 x 504.00 = 2520.00, copay 50.00 spread 10.00 each;
    # April fill: 1 session, copay 50.00 on it.
    assert [ln["patient_pays"] for ln in drug] == ["10.00"] * 5 + ["50.00"]


def test_the_clinics_items_leave_the_pharmacy_line_out(app, with_copay):
    gfe = document(app, with_copay)
    items = itemized_list(gfe.estimate, gfe.coverage_type, gfe.service_descriptions)
    assert [row.service for row in items.rows()] == [VISIT]
    (row,) = items.rows()
    assert (row.sessions, row.units) == (6, 6)
    # G2082 x 6: charge 6 x 800.00 = 4800.00; allowed 6 x 500.00 = 3000.00, not billed
    # 4800.00 - 3000.00 = 1800.00. The medical deductible (1000.00) takes sessions 1 and 2
    # (500.00 each; the pharmacy copays count toward the OOP, not the deductible), then 20%
    # coinsurance = 100.00 at each of sessions 3-6: you pay 500 + 500 + 4 x 100 = 1400.00,
    # the plan pays 4 x 400.00 = 1600.00.
    assert items.total("charge") == D("4800.00")
    assert items.total("write_off") == D("1800.00")
    assert items.total("allowed") == D("3000.00")
    assert items.total("insurance_pays") == D("1600.00")
    assert items.total("you_pay") == items.total_due == D("1400.00")
    # The estimate's own totals hold both: the clinic's charges alone (the drug's charge is 0).
    assert with_copay["totals"]["charges"] == "4800.00"


def test_other_providers_list_the_drug_with_the_patients_share(app, with_copay):
    gfe = document(app, with_copay)
    others = other_provider_items(gfe.estimate, gfe.coverage_type, gfe.service_descriptions)
    assert others.provider == PHARMACY_PROVIDER
    assert [col.key for col in others.columns] == ["allowed", "insurance_pays", "you_pay"]
    (row,) = others.rows
    assert (row.service, row.description) == (DRUG, "Esketamine nasal spray, 1 mg")
    # 6 sessions x 56 mg = 336 mg at 9.00 = 3024.00 allowed; the patient pays the two
    # monthly copays 2 x 50.00 = 100.00; the plan 3024.00 - 100.00 = 2924.00.
    assert (row.sessions, row.units, row.unit_price) == (6, 336, D("9.00"))
    assert row.amounts == [D("3024.00"), D("2924.00"), D("100.00")]
    assert others.totals == (D("3024.00"), D("2924.00"), D("100.00"))
    assert others.total_due == D("100.00") and not others.benefits_missing
    # Allowed = the plan's part + the patient's, line by line.
    for ln in lines(gfe.estimate, DRUG):
        assert allowed_shown(ln) == D(ln["insurance_pays"]) + D(ln["patient_pays"])


def test_the_totals_add_up(app, with_copay):
    gfe = document(app, with_copay)
    items = itemized_list(gfe.estimate, gfe.coverage_type, gfe.service_descriptions)
    others = other_provider_items(gfe.estimate, gfe.coverage_type, gfe.service_descriptions)
    totals = with_copay["totals"]
    # Clinic 1400.00 + pharmacy 100.00 = 1500.00 = the estimate's patient_pays; the plan pays
    # 1600.00 + 2924.00 = 4524.00.
    assert items.total_due + others.total_due == D(totals["patient_pays"]) == D("1500.00")
    assert items.total("insurance_pays") + others.total("insurance_pays") == D(
        totals["insurance_pays"]) == D("4524.00")
    # Months: March (5 sessions) clinic 500 + 500 + 3 x 100 = 1300.00, pharmacy 50.00;
    # April (1 session) clinic 100.00, pharmacy 50.00.
    assert [(m.month, m.visits, m.clinic, m.pharmacy, m.patient_pays)
            for m in month_splits(gfe.estimate)] == [
        ("2027-03", 5, D("1300.00"), D("50.00"), D("1350.00")),
        ("2027-04", 1, D("100.00"), D("50.00"), D("150.00"))]


def test_the_html_shows_the_sections_and_what_the_total_includes(app, with_copay):
    html = words(render_html(document(app, with_copay)))
    clinic_list = html[html.index("2. Itemized list"):html.index("3. What you pay")]
    assert VISIT in clinic_list and DRUG not in clinic_list
    section = html[html.index("5. Items from other providers"):html.index("6. Disclaimers")]
    assert DRUG in section and PHARMACY_PROVIDER.replace("'", "&#39;") in section
    assert "bills you and your plan for them separately" in section
    assert "pharmacy copay or coinsurance" in section
    assert "$3,024.00" in section and "$2,924.00" in section and "$100.00" in section
    assert "$1,400.00" in section and "$1,500.00" in section  # clinic, then the combined total
    assert "counted as $0.00" not in html
    summary = html[html.index('<section class="summary">'):html.index("1. Primary service")]
    assert "$1,500.00" in summary and "$1,400.00" in summary and "$100.00" in summary
    # The clinic's figures in the summary: the plan pays 1600.00 of the clinic's charges.
    assert "The clinic's charges are $4,800.00" in summary
    assert "your plan is expected to pay the clinic $1,600.00" in summary
    assert "Your plan is expected to pay the specialty pharmacy $2,924.00 for its items" in summary
    assert "section 5 are not our charges" in html  # the $400 dispute threshold's scope


def test_the_fhir_claim_has_only_the_clinics_items(app, with_copay):
    bundle = fhir_bundle(document(app, with_copay))
    claim = bundle["entry"][0]["resource"]
    codes = [item["productOrService"]["coding"][0]["code"] for item in claim["item"]]
    assert codes == [VISIT] * 6
    assert [item["sequence"] for item in claim["item"]] == list(range(1, 7))
    # An insured item's net is its charge: 6 x 800.00 = 4800.00.
    assert claim["total"]["value"] == sum(item["net"]["value"] for item in claim["item"]) == 4800
    assert claim["billablePeriod"] == {"start": "2027-03-01", "end": "2027-04-05"}


@needs_poppler
def test_the_pdf_lists_the_pharmacy_among_other_providers(client, billing, with_copay):
    text, pages = pdf_pages(client, billing, with_copay, "pharmacy-copay")
    assert pages
    assert "Items from other providers" in text and "Specialty pharmacy" in text
    assert "$1,500.00" in text and "$1,400.00" in text and "$100.00" in text
    assert PATIENT["name"] in text


def test_without_pharmacy_terms_the_share_is_counted_as_zero(app, client, billing, rules):
    estimate = create(client, billing, insured(dict(BENEFITS)))
    assert "pharmacy_benefits_missing" in {w["code"] for w in estimate["warnings"]}
    gfe = document(app, estimate)
    others = other_provider_items(gfe.estimate, gfe.coverage_type, gfe.service_descriptions)
    # No pharmacy terms: each fill costs the patient 0, the plan pays the allowed 3024.00.
    assert others.benefits_missing and others.total_due == D("0.00")
    assert others.totals == (D("3024.00"), D("3024.00"), D("0.00"))
    items = itemized_list(gfe.estimate, gfe.coverage_type, gfe.service_descriptions)
    # The clinic's part is as above (no copays toward the OOP, which is far off anyway).
    assert items.total_due == D("1400.00") == D(estimate["totals"]["patient_pays"])
    html = words(render_html(gfe))
    section = html[html.index("5. Items from other providers"):html.index("6. Disclaimers")]
    assert "was not known, so your share is counted as $0.00" in section


def test_a_pharmacy_line_not_covered_costs_its_cash_price(app, client, billing, admin, rules):
    policies = [covers(), covers(service=DRUG, covered=False, reason="Excluded drug")]
    # The payer excludes J0013 (a service policy over the modality's); no pharmacy rate left.
    rates = [{"service": VISIT, "allowed": "500.00", "effective_from": "2026-01-01",
              "effective_to": None}]
    etag = client.get(f"/api/v1/payers/{PAYER}", headers=admin).headers["ETag"]
    response = client.put(f"/api/v1/payers/{PAYER}", headers={**admin, "If-Match": etag},
                          json=samples.payer(PAYER, name="Bayside PPO", policies=policies,
                                             rates=rates))
    assert response.status_code == 200, response.json
    estimate = create(client, billing, insured({**BENEFITS, "pharmacy": PHARMACY}))
    drug = lines(estimate, DRUG)
    assert {(ln["covered"], ln["patient_pays"], ln["not_covered"]) for ln in drug} == {
        (False, "700.00", "700.00")}  # cash 56 x 12.50 = 700.00
    gfe = document(app, estimate)
    others = other_provider_items(gfe.estimate, gfe.coverage_type, gfe.service_descriptions)
    (row,) = others.rows
    # 6 x 700.00 = 4200.00: allowed shown = the cash price, the plan pays nothing.
    assert row.not_covered and row.amounts == [D("4200.00"), D("0.00"), D("4200.00")]
    items = itemized_list(gfe.estimate, gfe.coverage_type, gfe.service_descriptions)
    # The clinic's G2082 as before: 1400.00; in all 1400.00 + 4200.00 = 5600.00.
    assert items.total_due + others.total_due == D(estimate["totals"]["patient_pays"]) == D(
        "5600.00")
    html = words(render_html(gfe))
    section = html[html.index("5. Items from other providers"):html.index("6. Disclaimers")]
    assert "J0013 not covered by your plan (a plan exclusion): you pay its cash price." in section
    if shutil.which("pdftoppm") and shutil.which("pdftotext"):
        text, pages = pdf_pages(client, billing, estimate, "pharmacy-not-covered")
        assert pages and "$5,600.00" in text and "$4,200.00" in text


def test_self_pay_sells_the_drug_as_a_clinic_item(app, client, billing, rules):
    estimate = create(client, billing, with_patient(
        {"plan": PLAN, "start_date": START, "coverage": {"type": "self_pay"}}, **PATIENT))
    assert {ln["benefit"] for ln in lines(estimate, DRUG)} == {"medical"}
    gfe = document(app, estimate)
    items = itemized_list(gfe.estimate, gfe.coverage_type, gfe.service_descriptions)
    assert [row.service for row in items.rows()] == [DRUG, VISIT]
    # 6 x (56 x 12.50 + 700.00) = 6 x 1400.00 = 8400.00
    assert items.total_due == D(estimate["totals"]["patient_pays"]) == D("8400.00")
    assert not other_provider_items(gfe.estimate, gfe.coverage_type, gfe.service_descriptions)
    html = render_html(gfe)
    assert "5. Items from other providers" not in html and PHARMACY_PROVIDER not in html
    assert "5. Items or services to be scheduled separately" in html


def test_out_of_network_the_pharmacy_keeps_its_in_network_share(app, client, billing, rules):
    body = insured({**BENEFITS, "pharmacy": PHARMACY,
                    "out_of_network": {"deductible": "2000.00", "deductible_met": "0.00",
                                       "coinsurance": "0.40"}})
    body["coverage"]["network"] = "out"
    estimate = create(client, billing, body)
    gfe = document(app, estimate)
    items = itemized_list(gfe.estimate, gfe.coverage_type, gfe.service_descriptions)
    others = other_provider_items(gfe.estimate, gfe.coverage_type, gfe.service_descriptions)
    # The clinic: you pay its charge 6 x 800.00 = 4800.00; the plan's out-of-network allowed
    # is 50% of it, 400.00 a session: the 2000.00 deductible takes sessions 1-5, session 6
    # pays back 400.00 - 40% = 240.00: net 4800.00 - 240.00 = 4560.00.
    assert [c.key for c in items.columns] == ["charge", "you_pay", "expected_reimbursement",
                                              "net_cost"]
    assert items.totals == (D("4800.00"), D("4800.00"), D("240.00"), D("4560.00"))
    # The pharmacy is in the plan's pharmacy network: the two copays as in network, 100.00.
    assert others.totals == (D("3024.00"), D("2924.00"), D("100.00"))
    # In all 4560.00 + 100.00 = 4660.00, the estimate's net cost.
    assert items.total_due + others.total_due == D(estimate["totals"]["net_patient_cost"])
    assert items.total_due + others.total_due == D("4660.00")
    html = words(render_html(gfe))
    summary = html[html.index('<section class="summary">'):html.index("1. Primary service")]
    assert "$4,660.00" in summary and "$4,560.00" in summary and "$100.00" in summary
    assert "You pay the clinic $4,800.00 at your visits and may get $240.00 back" in summary
    if shutil.which("pdftoppm") and shutil.which("pdftotext"):
        text, pages = pdf_pages(client, billing, estimate, "pharmacy-out-of-network")
        assert pages and "$4,660.00" in text
