"""Good Faith Estimate documents: HTML, PDF (text and first page) and the FHIR GFE Bundle."""

import dataclasses
import json
import re
import shutil
import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from costapi import pricing
from costapi.documents import Clinic, GoodFaithEstimate, fhir_bundle, render_html, render_pdf
from costapi.documents.fhir import CPT, HCPCS
from costapi.documents.gfe import TEMPLATES, frequency
from costapi.documents.itemized import itemized_list

MONEY_FIELDS = (
    "charge",
    "allowed",
    "insurance_pays",
    "assistance_pays",
    "discount",
    "patient_pays",
    "deductible",
    "copay",
    "coinsurance",
    "not_covered",
    "expected_reimbursement",
)
INDUCTION = ["2027-01-04", "2027-01-06", "2027-01-08", "2027-01-11", "2027-01-13", "2027-01-15"]
BOOSTERS = ["2027-01-18", "2027-02-15"]  # the phase starts 14 days in; every 28 days


@pytest.fixture(autouse=True)
def db_transaction():
    """These tests need no database (overrides the suite's autouse fixture)."""
    yield None


def line(service, units, **amounts):
    data = {"service": service, "units": units, **dict.fromkeys(MONEY_FIELDS, "0.00")}
    data.update(amounts)
    covered = data.pop("covered", False)
    reason = data.pop("reason", "self_pay")
    return {
        **data,
        "covered": covered,
        "reason": reason,
        "reason_detail": None,
        "policy_id": None,
        "rate_id": None,
    }


def visits(lines_for):
    """Visits of both phases; lines_for(phase) gives a visit's lines."""
    return [
        {"date": day, "phase": phase, "lines": lines_for(phase)}
        for phase, days in (("induction-1", INDUCTION), ("boosters", BOOSTERS))
        for day in days
    ]


def self_pay_lines(phase):
    # 96365: charge $600, cash price $450, sliding scale 20% off ($90) in induction only.
    # J3490 (ketamine, per mg): $0.90 x 35 mg = $31.50, cash price = charge.
    discount = "90.00" if phase == "induction-1" else "0.00"
    pays = {"induction-1": "360.00", "boosters": "450.00"}[phase]
    return [
        line(
            "96365", 1, charge="600.00", not_covered="450.00", discount=discount, patient_pays=pays
        ),
        line("J3490", 35, charge="31.50", not_covered="31.50", patient_pays="31.50"),
    ]


SELF_PAY_ESTIMATE = {
    "id": "5f0c2b9e-4d1a-4c55-9a8e-0d3c1e7b2a10",
    "created_at": "2026-12-20T15:30:00Z",
    "currency": "USD",
    "plan": "ketamine-iv-6-plus-boosters",
    "start_date": "2027-01-04",
    "totals": {
        "charges": "5052.00",  # 8 x (600.00 + 31.50)
        "allowed": "0.00",
        "insurance_pays": "0.00",
        "assistance_pays": "0.00",
        "discount": "540.00",  # 6 induction infusions x 90.00
        "patient_pays": "3312.00",  # 3852.00 - 540.00 = 6 x 391.50 + 2 x 481.50
        "deductible": "0.00",
        "copay": "0.00",
        "coinsurance": "0.00",
        "not_covered": "3852.00",  # 8 x (450.00 + 31.50)
        "expected_reimbursement": "0.00",
        "net_patient_cost": "3312.00",
    },
    "range": None,
    "phases": [
        {
            "name": "induction-1",
            "kind": "induction",
            "sessions": 6,
            "first_date": INDUCTION[0],
            "last_date": INDUCTION[-1],
            "patient_pays": "2349.00",
            "insurance_pays": "0.00",
            "net_patient_cost": "2349.00",
        },  # 6 x 391.50
        {
            "name": "boosters",
            "kind": "maintenance",
            "sessions": 2,
            "first_date": BOOSTERS[0],
            "last_date": BOOSTERS[-1],
            "patient_pays": "963.00",
            "insurance_pays": "0.00",
            "net_patient_cost": "963.00",
        },  # 2 x 481.50
    ],
    "months": [
        # January: 6 x 391.50 + 481.50 = 2830.50; February: 481.50
        {"month": "2027-01", "visits": 7, "patient_pays": "2830.50", "net_patient_cost": "2830.50"},
        {"month": "2027-02", "visits": 1, "patient_pays": "481.50", "net_patient_cost": "481.50"},
    ],
    "plan_years": [],
    "visits": visits(self_pay_lines),
    "warnings": [
        {
            "code": "discount_not_applicable",
            "message": "The sliding-scale discount applies to induction infusions <b>only</b>.",
        },
    ],
    "data_versions": {"policies": [], "rates": []},
}


def insured_lines(phase):
    # In network, deductible already met: 96365 allowed 400.00, 20% coinsurance = 80.00;
    # J3490 excluded by the plan: the patient pays its cash price 31.50.
    return [
        line(
            "96365",
            1,
            charge="600.00",
            allowed="400.00",
            insurance_pays="320.00",
            coinsurance="80.00",
            patient_pays="80.00",
            covered=True,
            reason=None,
        ),
        line(
            "J3490",
            35,
            charge="31.50",
            not_covered="31.50",
            patient_pays="31.50",
            reason="policy_exclusion",
        ),
    ]


INSURED_ESTIMATE = {
    **SELF_PAY_ESTIMATE,
    "id": "9a1d7c3e-0b6f-4e2a-8c5d-3f4e5a6b7c8d",
    "totals": {
        "charges": "5052.00",  # 8 x 631.50
        "allowed": "3200.00",  # 8 x 400.00
        "insurance_pays": "2560.00",  # 8 x 320.00
        "assistance_pays": "0.00",
        "discount": "0.00",
        "patient_pays": "892.00",  # 8 x (80.00 + 31.50)
        "deductible": "0.00",
        "copay": "0.00",
        "coinsurance": "640.00",  # 8 x 80.00
        "not_covered": "252.00",  # 8 x 31.50
        "expected_reimbursement": "0.00",
        "net_patient_cost": "892.00",
    },
    "months": [
        {"month": "2027-01", "visits": 7, "patient_pays": "780.50", "net_patient_cost": "780.50"},
        {"month": "2027-02", "visits": 1, "patient_pays": "111.50", "net_patient_cost": "111.50"},
    ],
    "visits": visits(insured_lines),
    "warnings": [
        {
            "code": "not_covered",
            "amount": "252.00",
            "message": "Your plan does not cover some of these services. "
            "You would pay the cash price of $252.00 for them.",
        },
    ],
}


def out_of_network_lines(phase):
    # The patient pays the full charge; reimbursement = allowed 400.00 - 20% = 320.00.
    return [
        line(
            "96365",
            1,
            charge="600.00",
            allowed="400.00",
            coinsurance="80.00",
            patient_pays="600.00",
            expected_reimbursement="320.00",
            covered=True,
            reason=None,
        ),
        line(
            "J3490",
            35,
            charge="31.50",
            not_covered="31.50",
            patient_pays="31.50",
            reason="policy_exclusion",
        ),
    ]


OUT_OF_NETWORK_ESTIMATE = {
    **INSURED_ESTIMATE,
    "totals": {
        **INSURED_ESTIMATE["totals"],
        "insurance_pays": "0.00",
        "patient_pays": "5052.00",  # 8 x 631.50
        "expected_reimbursement": "2560.00",  # 8 x 320.00
        "net_patient_cost": "2492.00",  # 5052.00 - 2560.00
    },
    "visits": visits(out_of_network_lines),
    "warnings": [{"code": "out_of_network", "message": "This clinic is out of network."}],
}

CLINIC = Clinic(
    name="Harbor Light Ketamine Clinic",
    npi="1234567893",
    tin="12-3456789",
    address="200 Harbor Street, Suite 4\nPortland, ME 04101",
    phone="(207) 555-0142",
)
DESCRIPTIONS = {
    "96365": "IV infusion, first hour",
    "J3490": "Ketamine (unclassified drug), per mg",
}


def make_gfe(estimate=SELF_PAY_ESTIMATE, **changes):
    gfe = GoodFaithEstimate(
        estimate=estimate,
        patient_name="Jane Q. Doe",
        patient_date_of_birth="1985-02-14",
        plan_name="IV ketamine: 6 infusions and boosters",
        plan_description="Six infusions over two weeks, then monthly boosters.",
        modality="ketamine_iv",
        coverage_type="self_pay",
        payer_name=None,
        diagnosis_codes=("F33.2",),
        service_descriptions=DESCRIPTIONS,
        clinic=CLINIC,
        issued_on="2026-12-21",
    )
    return dataclasses.replace(gfe, **changes)


def insured_gfe(estimate=INSURED_ESTIMATE):
    return make_gfe(estimate, coverage_type="insurance", payer_name="Acme PPO")


def all_lines(estimate):
    return [ln for visit in estimate["visits"] for ln in visit["lines"]]


def words(text):
    return " ".join(text.split())


@pytest.fixture(scope="module")
def pdf():
    return render_pdf(make_gfe())


@pytest.fixture(scope="module")
def pdf_text(pdf, tmp_path_factory):
    path = tmp_path_factory.mktemp("gfe") / "gfe.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
    )
    return words(result.stdout)


def test_html_has_every_required_element():
    html = words(render_html(make_gfe()))
    for text in (
        "Good Faith Estimate",
        "Jane Q. Doe",
        "February 14, 1985",
        SELF_PAY_ESTIMATE["id"],
        "Issued December 21, 2026",
        "Harbor Light Ketamine Clinic",
        "1234567893",
        "12-3456789",
        "200 Harbor Street, Suite 4",
        "Portland, ME 04101",
        "(207) 555-0142",
        "IV ketamine: 6 infusions and boosters",
        "Ketamine by intravenous (IV) infusion",
        "January 4, 2027",
        "February 15, 2027",
        "Total number of sessions",
        "three times a week",
        "every 4 weeks",
        "Induction 1",
        "Boosters",
        "96365",
        "IV infusion, first hour",
        "J3490",
        "F33.2",
        "Cash price",
        "Discount",
        "Expected charge",
        "$3,852.00",
        "$540.00",
        "$3,312.00",
        "January 2027",
        "$2,830.50",
        "February 2027",
        "$481.50",
        "Things that can change this estimate",
        "scheduled separately",
        "not a contract",
        "$400",
        "120 days",
        "www.cms.gov/nosurprises",
        "Keep a copy",
    ):
        assert text in html, text


def test_itemized_rows_group_lines_per_service_and_phase():
    items = itemized_list(SELF_PAY_ESTIMATE, "self_pay", DESCRIPTIONS)
    induction, boosters = items.phases
    infusion, ketamine = induction.rows
    assert (infusion.service, infusion.sessions, infusion.units) == ("96365", 6, 6)
    assert infusion.amounts == [Decimal("2700.00"), Decimal("540.00"), Decimal("2160.00")]
    assert infusion.unit_price == Decimal("450.00")
    assert (ketamine.units, ketamine.unit_price) == (210, Decimal("0.90"))  # 6 x 35 mg
    assert [r.units for r in boosters.rows] == [2, 70]


@pytest.mark.parametrize(
    "gfe",
    [make_gfe(), insured_gfe(), insured_gfe(OUT_OF_NETWORK_ESTIMATE)],
    ids=["self-pay", "in-network", "out-of-network"],
)
def test_itemized_totals_equal_the_estimate_totals(gfe):
    items = itemized_list(gfe.estimate, gfe.coverage_type, DESCRIPTIONS)
    for column, total in zip(items.columns, items.totals, strict=True):
        if column.total:  # the write-off and allowed columns are derived: rows_add_up
            assert total == Decimal(gfe.estimate["totals"][column.total]), column.heading
        assert total == sum(
            (row.amounts[items.columns.index(column)] for p in items.phases for row in p.rows),
            Decimal(0),
        )
    assert items.total_due == Decimal(gfe.estimate["totals"]["net_patient_cost"])


def test_insured_html_shows_charges_and_the_patient_share():
    html = words(render_html(insured_gfe()))
    for text in (
        "Acme PPO",
        "in network",
        "Clinic charge",
        "Insurance pays",
        "You pay",
        "$5,052.00",
        "$2,560.00",
        "$892.00",
        "self-pay Good Faith Estimate",
    ):
        assert text in html, text
    out = words(render_html(insured_gfe(OUT_OF_NETWORK_ESTIMATE)))
    for text in ("out of network", "Expected reimbursement", "Your net cost", "$2,492.00"):
        assert text in out, text


def test_html_escapes_user_text():
    html = render_html(
        make_gfe(patient_name="<script>alert(1)</script>", plan_name="A & B <i>plan</i>")
    )
    assert "<script>" not in html and "<i>plan" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "A &amp; B &lt;i&gt;plan&lt;/i&gt;" in html
    assert "&lt;b&gt;only&lt;/b&gt;" in html  # warning messages too


@pytest.mark.parametrize(
    ("dates", "expected"),
    [
        (INDUCTION, "three times a week"),
        (["2027-01-04", "2027-01-07", "2027-01-11", "2027-01-14", "2027-01-18"], "twice a week"),
        (["2027-01-04", "2027-01-11", "2027-01-18"], "once a week"),
        (["2027-01-04", "2027-01-18", "2027-02-01"], "every 2 weeks"),
        (["2027-01-04", "2027-01-14", "2027-01-24"], "every 10 days"),
        (["2027-01-04", "2027-01-05"], "every day"),
        (["2027-01-04"], "one session"),
        (["2027-01-04", "2027-01-05", "2027-02-20"], "3 sessions over 48 days"),
    ],
)
def test_frequency_in_words(dates, expected):
    assert frequency([date.fromisoformat(d) for d in dates]) == expected


@pytest.mark.parametrize(
    ("filter_name", "value", "expected"),
    [
        ("dollars", "1234.5", "$1,234.50"),
        ("dollars", "-1234.5", "-$1,234.50"),  # a credit
        ("dollars", "0.8900", "$0.89"),
        ("dollars", "15.1234", "$15.1234"),  # a per-mg unit price keeps 4 places
        ("dollars", "-0.125", "-$0.1250"),
        ("long_date", "2027-01-04", "January 4, 2027"),
        ("short_date", "2027-09-30", "Sep 30, 2027"),
        ("month_name", "2027-12", "December 2027"),
    ],
)
def test_amounts_and_dates_in_words(filter_name, value, expected):
    assert TEMPLATES.filters[filter_name](value) == expected


def test_pdf_text_has_the_required_content(pdf, pdf_text):
    assert pdf.startswith(b"%PDF-")
    for text in (
        "Good Faith Estimate",
        "Jane Q. Doe",
        "February 14, 1985",
        "Harbor Light Ketamine Clinic",
        "1234567893",
        "12-3456789",
        "200 Harbor Street, Suite 4",
        "Portland, ME 04101",
        "96365",
        "J3490",
        "F33.2",
        "January 4, 2027",
        "$3,312.00",
        "8 sessions",
        "three times a week",
        "every 4 weeks",
        "$400",
        "120 days",
        "not a contract",
        "www.cms.gov/nosurprises",
        "Page 1 of",
    ):
        assert text in pdf_text, text
    assert re.search(r"Total number of sessions 8\b", pdf_text)


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
def test_pdf_first_page_renders_as_an_image(pdf, tmp_path):
    (tmp_path / "gfe.pdf").write_bytes(pdf)
    subprocess.run(
        [
            "pdftoppm",
            "-png",
            "-r",
            "60",
            "-f",
            "1",
            "-l",
            "1",
            "-singlefile",
            str(tmp_path / "gfe.pdf"),
            str(tmp_path / "page1"),
        ],
        check=True,
    )
    image = (tmp_path / "page1.png").read_bytes()
    assert image.startswith(b"\x89PNG") and len(image) > 10_000


def test_fhir_bundle_has_one_claim_item_per_line():
    bundle = fhir_bundle(make_gfe())
    assert (bundle["resourceType"], bundle["type"]) == ("Bundle", "collection")
    assert bundle["identifier"]["value"] == SELF_PAY_ESTIMATE["id"]
    claim = bundle["entry"][0]["resource"]
    assert claim["resourceType"] == "Claim" and claim["use"] == "predetermination"
    assert claim["status"] == "active"
    assert claim["type"]["coding"][0]["code"] == "professional"
    assert claim["diagnosis"][0]["diagnosisCodeableConcept"]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/icd-10-cm",
        "code": "F33.2",
    }

    lines = [(visit["date"], ln) for visit in SELF_PAY_ESTIMATE["visits"] for ln in visit["lines"]]
    assert len(claim["item"]) == len(lines) == 16
    for n, (item, (day, ln)) in enumerate(zip(claim["item"], lines, strict=True), start=1):
        coding = item["productOrService"]["coding"][0]
        assert item["sequence"] == n and item["servicedDate"] == day
        assert coding["code"] == ln["service"]
        assert coding["system"] == {"96365": CPT, "J3490": HCPCS}[ln["service"]]
        assert item["quantity"]["value"] == ln["units"]
        net = Decimal(str(item["net"]["value"]))
        assert net == Decimal(ln["patient_pays"])  # self-pay: the cash rate after discounts
        assert Decimal(str(item["unitPrice"]["value"])) == net / ln["units"]
        assert item["diagnosisSequence"] == [1]
    assert [Decimal(str(i["unitPrice"]["value"])) for i in claim["item"][:2]] == [
        Decimal("360.00"),
        Decimal("0.90"),
    ]

    total = Decimal(str(claim["total"]["value"]))
    assert total == sum((Decimal(str(i["net"]["value"])) for i in claim["item"]), Decimal(0))
    assert total == Decimal("3312.00") and claim["total"]["currency"] == "USD"


def test_fhir_references_resolve_inside_the_bundle():
    bundle = fhir_bundle(insured_gfe())
    resources = {entry["fullUrl"]: entry["resource"] for entry in bundle["entry"]}
    claim = bundle["entry"][0]["resource"]
    patient = resources[claim["patient"]["reference"]]
    assert patient["name"][0]["text"] == "Jane Q. Doe" and patient["birthDate"] == "1985-02-14"
    clinic = resources[claim["provider"]["reference"]]
    assert clinic["name"] == CLINIC.name
    assert {"system": "http://hl7.org/fhir/sid/us-npi", "value": "1234567893"} in clinic[
        "identifier"
    ]
    assert any(
        i["system"] == "urn:oid:2.16.840.1.113883.4.4" and i["value"] == "12-3456789"
        for i in clinic["identifier"]
    )
    assert resources[claim["insurer"]["reference"]]["name"] == "Acme PPO"
    assert resources[claim["insurance"][0]["coverage"]["reference"]]["resourceType"] == "Coverage"
    nets = [Decimal(str(i["net"]["value"])) for i in claim["item"]]
    assert nets[:2] == [Decimal("600.00"), Decimal("31.50")]  # insured: the clinic's charge
    assert Decimal(str(claim["total"]["value"])) == sum(nets, Decimal(0)) == Decimal("5052.00")


def test_fhir_self_pay_has_a_self_pay_coverage_and_no_insurer():
    bundle = fhir_bundle(make_gfe())
    claim = bundle["entry"][0]["resource"]
    assert "insurer" not in claim
    coverage = next(
        e["resource"]
        for e in bundle["entry"]
        if e["fullUrl"] == claim["insurance"][0]["coverage"]["reference"]
    )
    assert coverage["extension"][0]["valueCode"] == "self-pay"
    assert coverage["payor"] == [{"reference": claim["patient"]["reference"]}]


def engine_estimate(coverage, descriptions=None):
    """A 24-session Spravato estimate from the real engine, stored as JSON (money as strings);
    `descriptions`: the services' own (the lines' `description`), else none."""
    services = {
        "J0013": pricing.Service("J0013", "drug", Decimal("15.1234"), Decimal("12.3457")),
        "99214": pricing.Service("99214", "office_visit", Decimal("200.00"), Decimal("150.00")),
        "99417": pricing.Service("99417", "monitoring", Decimal("100.00")),
    }
    services = {code: dataclasses.replace(service, description=(descriptions or {}).get(code, ""))
                for code, service in services.items()}
    visit = tuple(pricing.VisitItem(code, units) for code, units in DOSE)
    plan = pricing.Plan(
        "spravato-56",
        "esketamine_nasal",
        (
            pricing.Phase("induction-1", "induction", 8, None, 2, visit),
            pricing.Phase("induction-2", "induction", 4, 7, None, visit),
            pricing.Phase("maintenance", "maintenance", 12, 14, None, visit, 6, 22),
        ),
    )
    result = pricing.estimate(pricing.EstimateInput(plan, services, date(2027, 1, 4), coverage))
    body = {"id": "engine-1", "created_at": "2026-12-20T15:30:00Z", **pricing.as_dict(result)}
    return json.loads(json.dumps(body, default=str))


DOSE = (("J0013", 56), ("99214", 1), ("99417", 1))
ACME = pricing.Payer("acme", "commercial", Decimal("0.80"), Decimal("0.50"), (), ())
BENEFITS = pricing.Benefits(
    deductible=Decimal("1500"),
    out_of_pocket_max=Decimal("5000"),
    coinsurance=Decimal("0.20"),
    copays={"office_visit": Decimal("30")},
)

MEDICARE_WITH_PLAN_N = pricing.Insurance(
    pricing.Payer("medicare-b", "medicare", Decimal("0.40"), standard_benefits=(
        pricing.StandardBenefits(deductible=Decimal("283.00"), coinsurance=Decimal("0.20")),)),
    diagnosis_codes=("F33.2",),
    secondary=pricing.Secondary(
        pricing.Payer("medigap-n", "medicare_supplement", name="Keystone Medigap Plan N"),
        "supplement",
        pricing.SupplementBenefits(office_visit_copay=Decimal("20.00")),
    ),
)


WITH_REBATE = pricing.Insurance(
    ACME, "in", BENEFITS, ("F33.2",),
    programs=(pricing.Program("session", "Treatment session program", services=("99214",),
                              paid_as="rebate", annual_max=Decimal("1000.00")),),
    patient_state="NY",
)


def test_gfe_with_a_rebate_shows_what_comes_back():
    """A rebate program pays the 99214 copay ($30 a visit, BENEFITS) back after the claim:
    the patient pays it at the visit, the net cost is lower by the rebate."""
    estimate = engine_estimate(WITH_REBATE)
    items = itemized_list(estimate, "insurance", SPRAVATO["service_descriptions"])
    assert [c.key for c in items.columns][-3:] == ["you_pay", "expected_rebate", "net_cost"]
    # J0013 allowed round(846.91 x 0.80) 677.53, 99417 80.00. OOP met: visit 1 677.53 + 30
    # + 80 = 787.53; visit 2 677.53 + 30 + 64.94 + round(15.06 x 0.2) 3.01 = 775.48; then
    # 135.51 + 30 + 16 = 181.51 a visit: after visit 20 4830.19, visit 21 leaves 169.81 -
    # 135.51 = 34.30, still enough for its 30 copay; from visit 22 the OOP maximum is met.
    assert items.total("expected_rebate") == Decimal("630.00")  # 21 visits x 30 copay
    assert items.total_due == Decimal(estimate["totals"]["net_patient_cost"])
    assert_rows_add_up(items)
    html = words(render_html(make_gfe(estimate, coverage_type="insurance",
                                      payer_name="Acme PPO", **SPRAVATO)))
    assert ("Allowed amount = Insurance pays + You pay the clinic; You pay the clinic &minus; "
            "Expected rebate = Your net cost.") in html


def test_gfe_with_a_secondary_shows_what_it_pays():
    """Medicare + Plan N: Medicare allows 40% of the charge; the patient keeps the Part B
    deductible and a $20 copay a visit, Plan N pays the rest of the coinsurance."""
    estimate = engine_estimate(MEDICARE_WITH_PLAN_N)
    items = itemized_list(estimate, "insurance", SPRAVATO["service_descriptions"])
    assert "secondary_pays" in [c.key for c in items.columns]
    # 2027: deductible 283 once + 24 visits x 20 copay = 763.00
    assert items.total("you_pay") == Decimal("763.00")
    assert items.total("secondary_pays") == Decimal(estimate["totals"]["secondary_pays"])
    assert_rows_add_up(items)
    html = words(render_html(make_gfe(estimate, coverage_type="insurance",
                                      payer_name="Original Medicare Part B", **SPRAVATO)))
    # allowed a visit: J0013 round(846.91 x 0.40) 338.76 + 99214 80 + 99417 40; x 24 = 11010.24
    # Medicare's cost sharing: deductible 283 + coinsurance 0.20 x (338.76 - 283) 11.15
    # + 23 x 67.75 + 24 x (16 + 8) = 2428.40; Medicare pays 11010.24 - 2428.40 = 8581.84;
    # Plan N pays 2428.40 - 763.00 = 1665.40
    assert "expected to pay $8,581.84 and your other insurance $1,665.40." in html


# Acme requires prior authorization for the drug; its status on the estimate is "pending".
# A commercial payer: a denial would be the clinic's unless the patient signs a waiver.
ACME_WITH_PRIOR_AUTHORIZATION = pricing.Insurance(
    dataclasses.replace(ACME, policies=(
        pricing.Policy(7, service="J0013", prior_authorization=True),)),
    "in", BENEFITS, ("F33.2",), prior_authorization="pending",
)
# Acme covers the monitoring add-on 99417 only for F33.*; the estimate gives F41.1: the
# clinic is liable (no waiver signed).
ACME_MONITORING_FOR_F33 = pricing.Insurance(
    dataclasses.replace(ACME, policies=(
        pricing.Policy(8, category="monitoring", diagnosis_codes=("F33.*",)),)),
    "in", BENEFITS, ("F41.1",),
)
MEDICARE_B = pricing.Payer("medicare-b", "medicare", Decimal("0.40"), standard_benefits=(
    pricing.StandardBenefits(deductible=Decimal("283.00"), coinsurance=Decimal("0.20")),))
QMB = pricing.Insurance(MEDICARE_B, diagnosis_codes=("F33.2",), qmb=True)


def test_rows_use_the_line_description_before_the_services_map():
    described = SPRAVATO["service_descriptions"]
    estimate = engine_estimate(pricing.SelfPay(), described)
    assert all_lines(estimate)[0]["description"] == described["J0013"]
    items = itemized_list(estimate, "self_pay", {"J0013": "An older description"})
    assert items.phases[0].rows[0].description == described["J0013"]
    claim = fhir_bundle(make_gfe(estimate))["entry"][0]["resource"]
    assert claim["item"][0]["productOrService"]["text"] == described["J0013"]
    # lines without a description (a service without one, an older estimate): the map's
    items = itemized_list(engine_estimate(pricing.SelfPay()), "self_pay", {"J0013": "Mapped"})
    assert items.phases[0].rows[0].description == "Mapped"


def gfe_html(estimate, **changes):
    fields = {"coverage_type": "insurance", "payer_name": "Acme PPO", **SPRAVATO, **changes}
    return words(render_html(make_gfe(estimate, **fields)))


def test_an_open_prior_authorization_whose_denial_is_the_clinics():
    estimate = engine_estimate(ACME_WITH_PRIOR_AUTHORIZATION)
    warning = next(w for w in estimate["warnings"] if w["code"] == "prior_authorization_required")
    assert Decimal(warning["amount"]) == 0
    # 24 visits x 691.36 (12.3457 x 56 = 691.3592), the drug's cash price
    assert Decimal(warning["clinic_amount"]) == Decimal("16592.64")
    items = itemized_list(estimate, "insurance", {})
    pending = [row for row in items.rows() if row.authorization]
    assert [(r.service, r.authorization, r.sessions) for r in pending] == [
        ("J0013", "clinic", 8), ("J0013", "clinic", 4), ("J0013", "clinic", 12)]
    assert sum((r.cash for r in pending), Decimal(0)) == Decimal("16592.64")
    assert pending[0].authorization_statuses == ["requested, no decision yet"]
    assert_rows_add_up(items)
    html = gfe_html(estimate)
    assert ("J0013 needs prior authorization from your plan (requested, no decision yet). If "
            "your plan denies it, we may not bill you for it unless you sign a written waiver "
            "before the visit: with one you pay our cash price of $5,530.88; without one, "
            "$0.00.") in html  # 8 x 691.36


def test_an_open_prior_authorization_whose_denial_is_the_patients():
    # Medicare Advantage: a denied prior authorization is the patient's (3.2 step 7).
    payer = pricing.Payer("summit-ma", "medicare_advantage", Decimal("0.40"), policies=(
        pricing.Policy(7, service="J0013", prior_authorization=True),))
    estimate = engine_estimate(pricing.Insurance(payer, "in", BENEFITS, ("F33.2",)))
    items = itemized_list(estimate, "insurance", {})
    assert {row.authorization for row in items.rows() if row.service == "J0013"} == {"patient"}
    html = gfe_html(estimate, payer_name="Summit Advantage", payer_kind="medicare_advantage")
    assert ("J0013 needs prior authorization from your plan (not requested yet). If your plan "
            "denies it, you pay our cash price of $5,530.88 instead of the amount shown.") in html


def test_an_engine_estimate_with_a_clinic_liable_line():
    estimate = engine_estimate(ACME_MONITORING_FOR_F33)
    lines = [ln for ln in all_lines(estimate) if ln["service"] == "99417"]
    assert {(ln["liability"], ln["clinic_write_off"], ln["cash"]) for ln in lines} == {
        ("clinic", "100.00", "100.00")}
    items = itemized_list(estimate, "insurance", {})
    rows = [row for row in items.rows() if row.service == "99417"]
    assert rows and all(row.not_billed for row in rows)
    assert sum((row.cash for row in rows), Decimal(0)) == Decimal("2400.00")  # 24 x 100.00
    assert_rows_add_up(items)
    html = gfe_html(estimate)
    assert "If you sign one, you pay our cash price of $800.00; if you do not" in html  # 8 x


def test_a_qmb_is_not_billed_medicare_cost_sharing():
    estimate = engine_estimate(QMB)
    assert Decimal(estimate["totals"]["patient_pays"]) == 0
    written_off = Decimal(estimate["totals"]["clinic_write_off"])
    items = itemized_list(estimate, "insurance", {})
    assert written_off > 0 and items.cost_sharing_written_off == written_off
    assert items.total("you_pay") == 0
    assert_rows_add_up(items)
    html = gfe_html(estimate, payer_name="Original Medicare Part B", payer_kind="medicare")
    assert ("As a Qualified Medicare Beneficiary (QMB) you are not billed Medicare's "
            f"deductible and coinsurance ({TEMPLATES.filters['dollars'](written_off)}).") in html
    assert "Medicare cost sharing is not billed to you" in html


@pytest.mark.parametrize(
    ("coverage", "coverage_type"),
    [
        (pricing.SelfPay(), "self_pay"),
        (pricing.Insurance(ACME, "in", BENEFITS, ("F33.2",)), "insurance"),
    ],
    ids=["self-pay", "insured"],
)
def test_engine_estimates_add_up_in_every_form(coverage, coverage_type):
    estimate = engine_estimate(coverage)
    gfe = make_gfe(estimate, coverage_type=coverage_type, payer_name="Acme PPO")
    items = itemized_list(estimate, coverage_type, {})
    for column, total in zip(items.columns, items.totals, strict=True):
        if column.total:
            assert total == Decimal(estimate["totals"][column.total]), column.heading
    assert_rows_add_up(items)
    if coverage_type == "insurance":  # Acme allows 80% of the charge (no contracted rates)
        drug = amounts(items, items.phases[0].rows[0])  # J0013 x 56 mg, 8 induction sessions
        assert (drug["charge"], drug["allowed"], drug["write_off"]) == (
            Decimal("6775.28"),  # 8 x 846.91 (15.1234 x 56 = 846.9104)
            Decimal("5420.24"),  # 8 x 677.53 (0.80 x 846.91 = 677.528)
            Decimal("1355.04"),  # 6775.28 - 5420.24 = 8 x 169.38
        )
    claim = fhir_bundle(gfe)["entry"][0]["resource"]
    assert len(claim["item"]) == 24 * 3 == len(all_lines(estimate))
    assert Decimal(str(claim["item"][0]["unitPrice"]["value"])) == Decimal(
        "15.1234" if coverage_type == "insurance" else "12.3457"
    )  # 56 mg: 846.91 / 56 and 691.36 / 56, to 4 places
    html = words(render_html(gfe))
    assert "twice a week" in html and "once a week" in html and "every 2 weeks" in html


def test_an_estimate_without_sessions_still_renders():
    empty = {
        **SELF_PAY_ESTIMATE,
        "visits": [],
        "months": [],
        "phases": [],
        "totals": dict.fromkeys(SELF_PAY_ESTIMATE["totals"], "0.00"),
    }
    assert "No sessions are scheduled" in render_html(make_gfe(empty))
    claim = fhir_bundle(make_gfe(empty))["entry"][0]["resource"]
    assert claim["item"] == [] and claim["total"]["value"] == 0


def test_fhir_bundle_is_plain_json():
    bundle = fhir_bundle(insured_gfe())
    assert json.loads(json.dumps(bundle)) == bundle
    assert fhir_bundle(insured_gfe()) == bundle  # deterministic ids (uuid5 of the estimate id)


@pytest.mark.parametrize(
    ("phone", "expected"),
    [
        ("", "Harbor Light Ketamine Clinic · Estimate calculated December 20, 2026"),
        (
            "(207) 555-0142",
            "Harbor Light Ketamine Clinic · Questions about this estimate: (207) 555-0142"
            " · Estimate calculated December 20, 2026",
        ),
    ],
    ids=["no-phone", "phone"],
)
def test_closing_line_has_one_spaced_separator_between_parts(phone, expected):
    # The closing line read "Clinic· Estimate calculated": the template's trim_blocks ate the
    # newline (the only space) between one part and the next separator.
    html = render_html(make_gfe(clinic=dataclasses.replace(CLINIC, phone=phone)))
    closing = re.search(r'<footer class="closing">(.*?)</footer>', html, re.S).group(1)
    assert words(closing) == expected
    assert not re.search(r"\S·|·\S", closing)


def test_page_footer_separator_is_spaced(pdf_text):
    # "\00B7  " in the CSS: the escape swallows one space, the other stays.
    assert f"Good Faith Estimate {SELF_PAY_ESTIMATE['id']} · Jane Q. Doe" in pdf_text


def intake_visit(day="2027-01-04"):
    # 99205 new-patient evaluation, cash price 350.00, self-pay.
    lines = [line("99205", 1, charge="350.00", not_covered="350.00", patient_pays="350.00")]
    return {"date": day, "phase": "intake", "lines": lines}


SINGULAR = re.compile(r"\b1 (sessions|days|weeks|visits)\b")


def test_one_session_is_singular_everywhere():
    # One intake visit, then the 8 sessions of SELF_PAY_ESTIMATE: "Intake · 1 sessions".
    with_intake = {
        **SELF_PAY_ESTIMATE,
        "visits": [intake_visit("2027-01-02")] + visits(self_pay_lines),
    }
    html = words(render_html(make_gfe(with_intake)))
    assert not SINGULAR.search(html), SINGULAR.search(html).group(0)
    assert "Intake &middot; 1 session</td>" in html
    assert "Induction 1 &middot; 6 sessions</td>" in html
    assert "For 9 sessions from January 2, 2027" in html

    # The whole estimate one session: 1 session on 1 day.
    only = {**SELF_PAY_ESTIMATE, "visits": [intake_visit()], "phases": [], "months": []}
    html = words(render_html(make_gfe(only)))
    assert not SINGULAR.search(html), SINGULAR.search(html).group(0)
    assert "For 1 session on January 4, 2027." in html
    assert "January 4, 2027 to January 4, 2027 (1 day)" in html
    assert "Intake &middot; 1 session</td>" in html


def test_pdf_says_one_session(tmp_path):
    only = {**SELF_PAY_ESTIMATE, "visits": [intake_visit()], "phases": [], "months": []}
    path = tmp_path / "one.pdf"
    path.write_bytes(render_pdf(make_gfe(only)))
    text = words(
        subprocess.run(
            ["pdftotext", "-layout", str(path), "-"], capture_output=True, text=True, check=True
        ).stdout
    )
    assert not SINGULAR.search(text) and "Intake · 1 session" in text


def amounts(items, row):
    return {column.key: value for column, value in zip(items.columns, row.amounts, strict=True)}


def assert_rows_add_up(items):
    """Every row and the totals row: the columns add up as the legend under the table says."""
    keys = [column.key for column in items.columns]
    rows = [amounts(items, row) for phase in items.phases for row in phase.rows]
    rows.append(dict(zip(keys, items.totals, strict=True)))
    for row in rows:
        if "allowed" in row and "expected_rebate" in row:  # in network, with a rebate
            payers = [row[k] for k in keys[3:-2]]
            assert keys[-3:] == ["you_pay", "expected_rebate", "net_cost"]
            assert row["charge"] - row["write_off"] == row["allowed"] == sum(payers), row
            assert row["you_pay"] - row["expected_rebate"] == row["net_cost"], row
        elif "allowed" in row:  # in network
            payers = [row[k] for k in keys[3:]]
            assert keys[:3] == ["charge", "write_off", "allowed"] and keys[-1] == "you_pay"
            assert row["charge"] - row["write_off"] == row["allowed"] == sum(payers), row
        elif "net_cost" in row:  # out of network
            assert row["charge"] - row.get("write_off", 0) == row["you_pay"], row
            assert row["you_pay"] - row["expected_reimbursement"] == row["net_cost"], row


def test_in_network_rows_show_the_allowed_amount_and_the_write_off():
    items = itemized_list(INSURED_ESTIMATE, "insurance", DESCRIPTIONS)
    assert [c.heading for c in items.columns] == [
        "Clinic charge", "Not billed to you", "Allowed amount", "Insurance pays", "You pay",
    ]  # fmt: skip
    infusion, ketamine = items.phases[0].rows  # induction, 6 sessions
    assert amounts(items, infusion) == {
        "charge": Decimal("3600.00"),  # 6 x 600.00
        "write_off": Decimal("1200.00"),  # 6 x (600.00 - 400.00), the contractual adjustment
        "allowed": Decimal("2400.00"),  # 6 x 400.00
        "insurance_pays": Decimal("1920.00"),  # 6 x 320.00
        "you_pay": Decimal("480.00"),  # 6 x 80.00 coinsurance
    }
    assert not infusion.not_covered
    assert amounts(items, ketamine) == {  # excluded: the patient pays the cash price
        "charge": Decimal("189.00"),  # 6 x 31.50
        "write_off": Decimal("0.00"),  # the cash price is the charge
        "allowed": Decimal("189.00"),  # the cash price billed to the patient
        "insurance_pays": Decimal("0.00"),
        "you_pay": Decimal("189.00"),
    }
    assert ketamine.not_covered and not ketamine.not_billed
    assert ketamine.reasons == ["a plan exclusion"]
    assert items.totals == (
        Decimal("5052.00"),  # 8 x 631.50
        Decimal("1600.00"),  # 8 x 200.00
        Decimal("3452.00"),  # 8 x 400.00 + 8 x 31.50 = 3200.00 + 252.00 = 5052.00 - 1600.00
        Decimal("2560.00"),  # 8 x 320.00
        Decimal("892.00"),  # 8 x (80.00 + 31.50); 2560.00 + 892.00 = 3452.00
    )
    assert_rows_add_up(items)


def clinic_liable_lines(phase):
    # Induction as insured_lines. Boosters: 96365 denied for the diagnosis, the clinic is
    # liable (no waiver): patient 0, its cash price 450.00 is the clinic's write-off.
    if phase == "induction-1":
        return insured_lines(phase)
    return [
        line(
            "96365",
            1,
            charge="600.00",
            clinic_write_off="450.00",
            liability="clinic",
            reason="diagnosis",
        ),
        insured_lines(phase)[1],
    ]


CLINIC_LIABLE_ESTIMATE = {
    **INSURED_ESTIMATE,
    "totals": {
        **INSURED_ESTIMATE["totals"],
        "allowed": "2400.00",  # 6 x 400.00
        "insurance_pays": "1920.00",  # 6 x 320.00
        "coinsurance": "480.00",  # 6 x 80.00
        "patient_pays": "732.00",  # 6 x 80.00 + 8 x 31.50 = 480.00 + 252.00
        "net_patient_cost": "732.00",
        "clinic_write_off": "900.00",  # 2 x 450.00
    },
    "visits": visits(clinic_liable_lines),
}


def test_a_clinic_liable_line_is_not_billed_to_the_patient():
    items = itemized_list(CLINIC_LIABLE_ESTIMATE, "insurance", DESCRIPTIONS)
    infusion, ketamine = items.phases[1].rows  # boosters, 2 sessions
    assert amounts(items, infusion) == {
        "charge": Decimal("1200.00"),  # 2 x 600.00
        "write_off": Decimal("1200.00"),  # all of it: 2 x (450.00 cash + 150.00 above it)
        "allowed": Decimal("0.00"),
        "insurance_pays": Decimal("0.00"),
        "you_pay": Decimal("0.00"),
    }
    assert infusion.not_billed and infusion.reasons == [
        "the diagnosis does not meet your plan's rules"
    ]
    assert items.totals == (
        Decimal("5052.00"),  # 8 x 631.50
        Decimal("2400.00"),  # 6 x 200.00 + 2 x 600.00 = 1200.00 + 1200.00
        Decimal("2652.00"),  # 6 x 400.00 + 8 x 31.50 = 2400.00 + 252.00 = 5052.00 - 2400.00
        Decimal("1920.00"),  # 6 x 320.00
        Decimal("732.00"),  # 6 x 80.00 + 8 x 31.50; 1920.00 + 732.00 = 2652.00
    )
    assert_rows_add_up(items)
    html = words(render_html(insured_gfe(CLINIC_LIABLE_ESTIMATE)))
    assert "of which $2,400.00 is not billed to you" in html
    infusion_note = ("96365 not covered by your plan (the diagnosis does not meet your plan&#39;s "
                     "rules): <strong>not billed to you</strong>. We may not bill you for it "
                     "unless you sign a written waiver before the visit. If you sign one, you pay "
                     "our cash price of $900.00; if you do not, you pay $0.00 for it.")
    assert infusion_note in html  # 2 x 450.00, the lines' cash price (clinic_write_off)
    assert infusion.cash == Decimal("900.00")


def test_a_medicare_waiver_is_an_abn_and_an_unwaivable_reason_says_so():
    gfe = dataclasses.replace(insured_gfe(CLINIC_LIABLE_ESTIMATE), payer_kind="medicare")
    html = words(render_html(gfe))
    assert ("unless you sign an Advance Beneficiary Notice of Noncoverage (ABN) before the "
            "visit. If you sign one, you pay our cash price of $900.00") in html
    # Medicare Advantage in network: a diagnosis denial stays the clinic's whatever is signed
    gfe = dataclasses.replace(gfe, payer_kind="medicare_advantage",
                              unwaivable_reasons=frozenset({"diagnosis", "visit_limit"}))
    html = words(render_html(gfe))
    assert ("<strong>not billed to you</strong>. The clinic is responsible for it: you pay "
            "$0.00 for it, even if you sign a waiver.") in html
    assert "If you sign one" not in html


def test_a_service_covered_at_some_visits_only_gets_a_row_per_outcome():
    # 96365 covered in induction; in the boosters the second visit is over the visit limit
    # (the patient pays the cash price 450.00, below the charge 600.00).
    over_limit = line(
        "96365", 1, charge="600.00", not_covered="450.00", patient_pays="450.00",
        reason="visit_limit",
    )  # fmt: skip
    estimate = {**INSURED_ESTIMATE, "visits": visits(insured_lines)}
    last = estimate["visits"][-1]
    estimate["visits"][-1] = {**last, "lines": [over_limit, insured_lines("boosters")[1]]}
    items = itemized_list(estimate, "insurance", DESCRIPTIONS)
    covered, ketamine, limited = items.phases[1].rows
    assert (covered.service, covered.sessions, covered.not_covered) == ("96365", 1, False)
    assert (limited.service, limited.sessions, limited.reasons) == (
        "96365", 1, ["over your plan's visit limit"],
    )  # fmt: skip
    assert amounts(items, limited) == {
        "charge": Decimal("600.00"),
        "write_off": Decimal("150.00"),  # 600.00 - 450.00 cash price
        "allowed": Decimal("450.00"),  # the cash price, which the patient pays
        "insurance_pays": Decimal("0.00"),
        "you_pay": Decimal("450.00"),
    }
    assert ketamine.sessions == 2
    assert_rows_add_up(items)


def test_an_older_estimate_without_clinic_write_off_renders():
    # Stored before the engine had clinic_write_off or liability: treated as 0 / patient.
    for ln in all_lines(INSURED_ESTIMATE):
        assert "clinic_write_off" not in ln and "liability" not in ln
    items = itemized_list(INSURED_ESTIMATE, "insurance", DESCRIPTIONS)
    assert items.total("write_off") == Decimal("1600.00")  # 8 x (600.00 - 400.00)


def test_insured_html_explains_how_the_columns_add_up():
    html = words(render_html(insured_gfe()))
    for text in (
        "Allowed amount",
        "Not billed to you",
        "$1,600.00",  # write-off total
        "$3,452.00",  # allowed total
        "Clinic charge &minus; Not billed to you = Allowed amount, and Allowed amount = "
        "Insurance pays + You pay.",
        "the contractual adjustment",
        "J3490 not covered by your plan (a plan exclusion): you pay our cash price.",
        "The clinic's charges are $5,052.00, of which $1,600.00 is not billed to you",
    ):
        assert text in html, text
    # The 45 CFR 149.610 elements stay.
    for text in ("96365", "J3490", "F33.2", "Quantity", "not a contract", "$400", "120 days"):
        assert text in html, text


def test_self_pay_keeps_the_cash_rate_layout():
    items = itemized_list(SELF_PAY_ESTIMATE, "self_pay", DESCRIPTIONS)
    assert [c.heading for c in items.columns] == ["Cash price", "Discount", "Expected charge"]
    html = words(render_html(make_gfe()))
    assert "Allowed amount" not in html and "Not billed to you" not in html


def test_out_of_network_shows_what_is_not_billed_only_when_there_is_some():
    items = itemized_list(OUT_OF_NETWORK_ESTIMATE, "insurance", DESCRIPTIONS)
    assert [c.key for c in items.columns] == [
        "charge", "you_pay", "expected_reimbursement", "net_cost",
    ]  # fmt: skip
    # An excluded line with a cash price below its charge: 450.00 for a 600.00 charge.
    cheaper = line(
        "96365", 1, charge="600.00", not_covered="450.00", patient_pays="450.00",
        reason="policy_exclusion",
    )  # fmt: skip
    estimate = {**OUT_OF_NETWORK_ESTIMATE, "visits": visits(out_of_network_lines)}
    estimate["visits"][-1] = {**estimate["visits"][-1], "lines": [cheaper]}
    items = itemized_list(estimate, "insurance", DESCRIPTIONS)
    assert [c.key for c in items.columns] == [
        "charge", "write_off", "you_pay", "expected_reimbursement", "net_cost",
    ]  # fmt: skip
    assert items.total("write_off") == Decimal("150.00")  # 600.00 - 450.00
    assert_rows_add_up(items)


OUTPUT = Path(__file__).resolve().parents[2] / "test-output"  # gitignored
LETTER_AT_60_DPI = (510, 660)  # 8.5 x 11 in


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n") and data[12:16] == b"IHDR"
    return int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")


SPRAVATO = {
    "plan_name": "Spravato (esketamine) 56 mg",
    "plan_description": "Twice a week for 4 weeks, once a week for 4 weeks, then every 2 weeks.",
    "modality": "esketamine_nasal",
    "service_descriptions": {
        "J0013": "Esketamine nasal spray (Spravato), 1 mg",
        "99214": "Office visit, established patient, moderate MDM (30+ min)",
        "99417": "Prolonged outpatient E/M service, each additional 15 min (add-on)",
    },
}
RENDERED = {
    "insured": lambda: insured_gfe(CLINIC_LIABLE_ESTIMATE),
    "self-pay": make_gfe,
    "insured-24-sessions": lambda: make_gfe(
        engine_estimate(pricing.Insurance(ACME, "in", BENEFITS, ("F33.2",))),
        coverage_type="insurance",
        payer_name="Acme PPO",
        **SPRAVATO,
    ),
    "self-pay-24-sessions": lambda: make_gfe(engine_estimate(pricing.SelfPay()), **SPRAVATO),
    "rebate-24-sessions": lambda: make_gfe(
        engine_estimate(WITH_REBATE), coverage_type="insurance", payer_name="Acme PPO",
        **SPRAVATO,
    ),
    "medicare-plan-n-24-sessions": lambda: make_gfe(
        engine_estimate(MEDICARE_WITH_PLAN_N), coverage_type="insurance",
        payer_name="Original Medicare Part B", **SPRAVATO,
    ),
    "clinic-liable-24-sessions": lambda: make_gfe(
        engine_estimate(ACME_MONITORING_FOR_F33, SPRAVATO["service_descriptions"]),
        coverage_type="insurance", payer_name="Acme PPO", diagnosis_codes=("F41.1",),
        **SPRAVATO,
    ),
    "prior-authorization-pending-24-sessions": lambda: make_gfe(
        engine_estimate(ACME_WITH_PRIOR_AUTHORIZATION, SPRAVATO["service_descriptions"]),
        coverage_type="insurance", payer_name="Acme PPO", **SPRAVATO,
    ),
    "qmb-24-sessions": lambda: make_gfe(
        engine_estimate(QMB, SPRAVATO["service_descriptions"]), coverage_type="insurance",
        payer_name="Original Medicare Part B", payer_kind="medicare", **SPRAVATO,
    ),
}


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="poppler-utils not installed")
@pytest.mark.parametrize("name", RENDERED)
def test_every_pdf_page_renders_as_png(name):
    # Every page to test-output/gfe-<name>-page-<n>.png, for a person to look at.
    pdf = render_pdf(RENDERED[name]())
    OUTPUT.mkdir(exist_ok=True)
    for old in OUTPUT.glob(f"gfe-{name}-page-*.png"):
        old.unlink()
    path = OUTPUT / f"gfe-{name}.pdf"
    path.write_bytes(pdf)
    subprocess.run(["pdftoppm", "-png", "-r", "60", str(path), str(OUTPUT / f"gfe-{name}-page")],
                   check=True)  # fmt: skip
    pages = sorted(OUTPUT.glob(f"gfe-{name}-page-*.png"))
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True,
                          check=True).stdout  # fmt: skip
    count = int(re.search(r"Page 1 of (\d+)", text).group(1))
    assert len(pages) == count == text.count("\f")
    for page in pages:
        assert png_size(page.read_bytes()) == LETTER_AT_60_DPI, page.name
