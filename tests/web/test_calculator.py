"""The calculator page in Chromium: the numbers on the page are the API's, errors sit
beside their field, and screenshots are kept under test-output/ for a person to look at."""
import json
import threading
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlalchemy import select
from werkzeug.serving import make_server

from costapi import create_app, migrations
from costapi.db import make_engine, session
from costapi.fixtures import load_fixtures
from costapi.models import Plan
from costapi.services import rule_cache
from costapi.services.keys import create_key
from costapi.settings import TestConfig

pytestmark = pytest.mark.no_db_transaction

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"
SPLIT_BILLING = ("spravato-56-commercial", "spravato-84-commercial")
KEYS = {}


def _split_billing_for_commercial_payers(app):
    """Split-billing plans fit commercial payers only (the fixtures say so; if they do not
    yet, the admin API sets it, or failing that the rows of this scratch database)."""
    client = app.test_client()
    admin = {"Authorization": f"Bearer {create_key('calculator admin', 'admin')[1]}"}
    session.commit()
    for code in SPLIT_BILLING:
        plan = client.get(f"/api/v1/plans/{code}", headers=admin)
        if plan.json.get("payer_kinds"):
            continue
        put = client.put(f"/api/v1/plans/{code}", json={**plan.json, "payer_kinds": ["commercial"]},
                         headers={**admin, "If-Match": plan.headers["ETag"]})
        if put.status_code == 200:
            continue
        row = session.scalars(select(Plan).where(Plan.code == code, Plan.superseded_at.is_(None),
                                                 Plan.deleted_at.is_(None))).one()
        if not row.payer_kinds:
            row.payer_kinds = ["commercial"]
            rule_cache.changed()
            session.commit()


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a free port of 127.0.0.1, over its own migrated and seeded SQLite file."""
    url = f"sqlite:///{tmp_path_factory.mktemp('calculator') / 'calculator.sqlite'}"
    migrations.upgrade(url)
    previous = {key: session.session_factory.kw.get(key)
                for key in ("bind", "join_transaction_mode")}
    engine = make_engine(url)
    config = type("CalculatorConfig", (TestConfig,), {"DATABASE_URL": url})
    app = create_app(config, engine=engine)
    session.remove()
    session.configure(bind=engine, join_transaction_mode="conditional_savepoint")
    with app.app_context():
        load_fixtures()
        _split_billing_for_commercial_payers(app)
        KEYS["billing"] = {"Authorization": f"Bearer {create_key('calculator', 'billing')[1]}"}
        session.commit()
    httpd = make_server("127.0.0.1", 0, app)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_port}"
    httpd.shutdown()
    thread.join(5)
    session.remove()
    session.configure(**previous)  # as the suite's other tests left it
    engine.dispose()


def dollars(text):
    return f"${Decimal(text):,.2f}"


def post(url, body, headers=None):
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json",
                                              **(headers or {})})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


def api_estimate(base, body):
    return post(f"{base}/api/v1/public/estimate", body)


def staff_estimate(base, sent, programs=(), accumulator=False):
    """The billing preview of the same figures (api.md "Estimates"), as staff would ask."""
    benefits = {name: sent[name] for name in ("deductible", "deductible_met", "coinsurance",
                                              "out_of_pocket_max", "out_of_pocket_met")
                if name in sent}
    benefits["plan_year_start"] = sent.get("plan_year_start", f"{sent['start_date'][:4]}-01-01")
    if "copay" in sent:
        benefits["copays"] = {"office_visit": sent["copay"], "evaluation": sent["copay"]}
    if accumulator:
        benefits["accumulator_program"] = True
    coverage = {"type": "insurance", "payer": sent["payer"], "network": sent["network"],
                "benefits": benefits, "programs": list(programs)}
    return post(f"{base}/api/v1/estimates/preview",
                {"plan": sent["plan"], "start_date": sent["start_date"], "coverage": coverage},
                KEYS["billing"])


def open_calculator(page, server):
    page.goto(f"{server}/calculator")
    expect(page.locator("#calculator")).to_have_attribute("data-ready", "true")


def submit(page):
    """Click the button; the request the page sent and the answer it got."""
    with page.expect_response("**/api/v1/public/estimate") as info:
        page.get_by_role("button", name="Estimate my cost").click()
    response = info.value
    return response.request.post_data_json, response


def screenshot(page, tmp_path, name):
    OUTPUT.mkdir(exist_ok=True)
    page.screenshot(path=OUTPUT / name, full_page=True)
    page.screenshot(path=tmp_path / name, full_page=True)


SUMMARY_WARNINGS = ("clinic_liability",)


def assert_page_shows(page, answer):
    """Every figure of the results equals the API's answer."""
    expect(page.locator("#results")).to_be_visible()
    total = answer["totals"]["net_patient_cost"]
    expect(page.locator("#total")).to_have_text(dollars(total))
    months = answer["months"]
    bars = page.locator("#chart svg g[data-month]")
    expect(bars).to_have_count(len(months))
    rows = page.locator("#month-table tbody tr")
    expect(rows).to_have_count(len(months))
    for index, month in enumerate(months):
        bar = bars.nth(index)
        assert bar.get_attribute("data-month") == month["month"]
        assert bar.get_attribute("data-amount") == month["patient_pays"]
        expect(bar.locator("text.amount")).to_have_text(dollars(month["patient_pays"]))
        for kind, amount in month["by_kind"].items():
            segment = bar.locator(f"rect[data-kind={kind}]")
            if Decimal(amount):
                assert segment.get_attribute("data-amount") == amount
            else:
                expect(segment).to_have_count(0)
        row = rows.nth(index)
        expect(row.locator("td.month-total")).to_have_text(dollars(month["patient_pays"]))
    phases = page.locator("#phase-table tbody tr")
    expect(phases).to_have_count(len(answer["phases"]))
    for index, phase in enumerate(answer["phases"]):
        expect(phases.nth(index).locator("td").last).to_have_text(
            dollars(phase["net_patient_cost"]))
    for warning in answer["warnings"]:
        # the clinic's liability sits under the totals, every other warning in Things to know
        where = "#clinic-liability p" if warning["code"] in SUMMARY_WARNINGS else "#warnings li"
        expect(page.locator(f"{where}[data-code={warning['code']}]")).to_have_text(
            warning["message"])
    expect(page.locator("#results .notice")).to_contain_text("estimate, not a quote")
    expect(page.locator("#status")).to_contain_text(dollars(total))


CONTRAST = """selectors => selectors.flatMap(selector => [...document.querySelectorAll(selector)]
  .filter(node => node.offsetParent !== null).map(node => {
    const rgb = text => text.match(/[\\d.]+/g).map(Number);
    const luminance = ([r, g, b]) => [r, g, b].map(v => v / 255)
      .map(v => (v <= 0.03928 ? v / 12.92 : ((v + 0.055) / 1.055) ** 2.4))
      .reduce((sum, v, i) => sum + v * [0.2126, 0.7152, 0.0722][i], 0);
    let back = node;
    while (back && rgb(getComputedStyle(back).backgroundColor)[3] === 0) {
      back = back.parentElement;
    }
    const fg = luminance(rgb(getComputedStyle(node).color));
    const bg = back ? luminance(rgb(getComputedStyle(back).backgroundColor)) : 1;
    const ratio = (Math.max(fg, bg) + 0.05) / (Math.min(fg, bg) + 0.05);
    return [selector, Math.round(ratio * 100) / 100];
  }))"""
TEXTS = ["h1", "label", "legend", ".hint", ".error", "#form-error", ".notice", "button",
         "input", "select", "footer p"]


def assert_contrast(page):
    """Text keeps at least 4.5:1 against the background it sits on."""
    ratios = page.evaluate(CONTRAST, TEXTS)
    assert ratios and all(ratio >= 4.5 for _selector, ratio in ratios), ratios


def test_self_pay_on_a_phone(page, server, tmp_path):
    page.set_viewport_size({"width": 390, "height": 844})
    open_calculator(page, server)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "plan"  # the form comes first
    page.get_by_label("Treatment", exact=True).select_option("ketamine-iv-6")
    page.get_by_label("Date of your first visit").fill("2027-01-04")
    page.get_by_label("No insurance").check()
    expect(page.locator("#insurance")).to_be_hidden()
    sent, response = submit(page)
    assert sent == {"plan": "ketamine-iv-6", "start_date": "2027-01-04", "coverage": "self_pay"}
    answer = api_estimate(server, sent)
    assert response.json() == answer
    assert_page_shows(page, answer)
    expect(page.locator("#self-pay-total")).to_have_count(0)  # the total is the cash price
    # intake, induction and maintenance each get a legend entry
    expect(page.locator("#legend li")).to_have_count(len(answer["phase_kinds"]))
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the page scrolls sideways on a phone"
    screenshot(page, tmp_path, "calculator-self-pay-phone.png")


def test_insured_with_the_numbers_from_the_card(page, server, tmp_path):
    """84 mg from September: the savings program runs out in October and the plan year
    starts over in January, so every kind of warning and two plan years show."""
    page.set_viewport_size({"width": 1280, "height": 900})
    open_calculator(page, server)
    page.get_by_label("Treatment", exact=True).select_option("spravato-84-commercial")
    page.get_by_label("Date of your first visit").fill("2027-09-06")
    page.get_by_label("With my insurance").check()
    page.get_by_label("Insurer").select_option("acme-ppo")
    expect(page.locator("#payer-help")).to_contain_text("prior authorization needed")
    page.get_by_label("Deductible ($)").fill("3,000")
    page.get_by_label("Deductible already met this plan year ($)").fill("0")
    page.get_by_label("Coinsurance (%)").fill("50")
    page.get_by_label("Copay per office visit ($)").fill("30")
    page.get_by_label("Out-of-pocket maximum ($)").fill("9000")
    sent, response = submit(page)
    assert sent == {"plan": "spravato-84-commercial", "start_date": "2027-09-06",
                    "coverage": "insurance", "payer": "acme-ppo", "network": "in",
                    "deductible": "3000", "deductible_met": "0", "coinsurance": "0.50",
                    "copay": "30", "out_of_pocket_max": "9000"}
    answer = api_estimate(server, sent)
    assert response.json() == answer
    assert_page_shows(page, answer)
    expect(page.locator("#self-pay-total")).to_have_text(dollars(answer["self_pay_total"]))
    expect(page.locator("#programs")).to_contain_text("Spravato withMe Savings Program")
    expect(page.locator("#range")).to_contain_text(dollars(answer["range"]["low"]))
    expect(page.locator("#legend li")).to_have_text(["Induction", "Maintenance"])
    # induction and maintenance bars differ in pattern, not only in colour
    fills = page.locator("#chart rect[data-kind]").evaluate_all(
        "nodes => [...new Set(nodes.map(n => n.dataset.kind + ' ' + n.getAttribute('fill')))]")
    assert sorted(fills) == ["induction url(#chart-induction)",
                             "maintenance url(#chart-maintenance)"]
    assert page.locator("#chart-maintenance rect").count() == 2  # base colour + stripes
    codes = {warning["code"] for warning in answer["warnings"]}
    assert {"prior_authorization_required", "plan_year_reset", "assistance_exhausted"} <= codes
    expect(page.locator("#plan-year-table tbody tr")).to_have_count(2)
    screenshot(page, tmp_path, "calculator-insured.png")


def test_an_api_error_is_shown_beside_its_field(page, server, tmp_path):
    page.set_viewport_size({"width": 1024, "height": 900})
    open_calculator(page, server)
    page.get_by_label("With my insurance").check()
    page.get_by_label("Insurer").select_option("acme-ppo")
    page.get_by_label("Coinsurance (%)").fill("150")
    page.get_by_label("Deductible ($)").fill("100")
    page.get_by_label("Deductible already met this plan year ($)").fill("200")
    sent, response = submit(page)
    assert sent["coinsurance"] == "1.50" and response.status == 422
    errors = response.json()["errors"]["json"]
    assert set(errors) == {"coinsurance", "deductible_met"}
    coinsurance = page.get_by_label("Coinsurance (%)")
    met = page.get_by_label("Deductible already met this plan year ($)")
    expect(coinsurance).to_have_attribute("aria-invalid", "true")
    expect(met).to_be_focused()  # the first field to correct, in the order of the form
    described = coinsurance.get_attribute("aria-describedby").split()
    assert "coinsurance-error" in described
    expect(page.locator("#coinsurance-error")).to_be_visible()
    expect(page.locator("#coinsurance-error")).to_contain_text("percentage from 0 to 100")
    expect(page.locator("#deductible_met-error")).to_have_text(errors["deductible_met"][0])
    expect(met).to_have_attribute("aria-invalid", "true")
    expect(page.locator("#form-error")).to_have_text(
        "Please correct these fields: Deductible already met this plan year ($), "
        "Coinsurance (%).")
    expect(page.locator("#results")).to_be_hidden()
    assert_contrast(page)
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline == "solid"  # focus is visible
    screenshot(page, tmp_path, "calculator-error.png")

    page.get_by_label("Coinsurance (%)").fill("20")
    met.fill("50")
    _sent, response = submit(page)
    assert response.status == 200
    expect(page.locator("#coinsurance-error")).to_be_hidden()
    expect(coinsurance).not_to_have_attribute("aria-invalid", "true")

    # the API's wording for a bad amount becomes what to type, in plain words
    page.get_by_label("Deductible ($)").fill("fifteen hundred")
    _sent, response = submit(page)
    assert response.status == 422
    expect(page.locator("#deductible-error")).to_have_text(
        "Enter an amount in dollars, for example 1500 or 1,500.00.")


def fill_acme(page, coinsurance):
    """The fixtures' Acme PPO case for Spravato 56 mg (tests/api/test_public.py `acme`)."""
    page.get_by_label("Treatment", exact=True).select_option("spravato-56-commercial")
    page.get_by_label("Date of your first visit").fill("2027-01-04")
    page.get_by_label("With my insurance").check()
    page.get_by_label("Insurer").select_option("acme-ppo")
    expect(page.locator("#calculator")).to_have_attribute("data-plans-for", "acme-ppo")
    expect(page.locator("#calculator")).to_have_attribute("data-plans-ready", "true")
    page.get_by_label("Deductible ($)").fill("1500")
    page.get_by_label("Deductible already met this plan year ($)").fill("0")
    page.get_by_label("Coinsurance (%)").fill(coinsurance)
    page.get_by_label("Copay per office visit ($)").fill("30")
    page.get_by_label("Out-of-pocket maximum ($)").fill("5000")
    page.get_by_label("Out-of-pocket already spent this plan year ($)").fill("0")


def test_a_coinsurance_of_0_2_is_asked_not_priced_at_0_2_percent(page, server, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 900})
    open_calculator(page, server)
    fill_acme(page, "0.2")
    estimates = []
    page.on("request", lambda r: estimates.append(r) if "/public/estimate" in r.url else None)
    page.get_by_role("button", name="Estimate my cost").click()
    question = page.locator("#coinsurance-question")
    expect(question).to_be_visible()
    expect(question).to_contain_text("You typed 0.2. Did you mean 20 %?")
    expect(page.get_by_role("button", name="20 %", exact=True)).to_be_focused()
    expect(page.get_by_role("button", name="0.2 %", exact=True)).to_be_visible()
    expect(page.locator("#results")).to_be_hidden()
    assert estimates == []  # nothing priced until the patient answers
    screenshot(page, tmp_path, "calculator-coinsurance-question.png")

    with page.expect_response("**/api/v1/public/estimate") as info:
        page.get_by_role("button", name="20 %", exact=True).click()
    sent = info.value.request.post_data_json
    assert sent["coinsurance"] == "0.20"
    answer = api_estimate(server, sent)
    # test_public.py: 18 x 40.00 + 10.00 = 730.00 paid, the 18 x 30.00 copays rebated
    assert answer["totals"]["net_patient_cost"] == "190.00"
    assert_page_shows(page, answer)
    expect(page.get_by_label("Coinsurance (%)")).to_have_value("20")
    expect(question).to_be_hidden()
    expect(page.locator("#recap-list [data-field=coinsurance] dd")).to_have_text("20 %")

    # the other answer is taken as said: 0.2 % (the fraction 0.002)
    page.get_by_label("Coinsurance (%)").fill("0.2")
    page.get_by_role("button", name="Estimate my cost").click()
    with page.expect_response("**/api/v1/public/estimate") as info:
        page.get_by_role("button", name="0.2 %", exact=True).click()
    sent = info.value.request.post_data_json
    assert sent["coinsurance"] == "0.002"
    assert_page_shows(page, api_estimate(server, sent))
    expect(page.locator("#recap-list [data-field=coinsurance] dd")).to_have_text("0.2 %")

    # "20 %" typed with its sign is not ambiguous: no question
    page.get_by_label("Coinsurance (%)").fill("20 %")
    sent, _response = submit(page)
    assert sent["coinsurance"] == "0.20"
    expect(question).to_be_hidden()


def test_program_figures_equal_the_staff_estimate(page, server, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 900})
    open_calculator(page, server)
    fill_acme(page, "20")
    sent, response = submit(page)
    answer = response.json()
    both = ["spravato-savings", "spravato-session-rebate"]
    with_program = staff_estimate(server, sent, both)
    without = staff_estimate(server, sent)
    # test_public.py: 730.00 paid at the visits, less the 540.00 of copays rebated
    assert with_program["totals"]["net_patient_cost"] == "190.00"
    assert without["totals"]["net_patient_cost"] == "5000.00"  # the OOP max
    assert_page_shows(page, answer)
    expect(page.locator("#programs")).to_have_text(
        "With the Spravato withMe Savings Program and the Spravato withMe treatment session "
        f"rebate (you need to enroll): {dollars(with_program['totals']['net_patient_cost'])}. "
        f"Without them: {dollars(without['totals']['net_patient_cost'])}.")
    expect(page.locator("#total")).to_have_text(dollars(with_program["totals"]["net_patient_cost"]))
    first = with_program["visits"][0]
    # 40.00 at the visit (10.00 + the 30.00 copay), the copay rebated later (test_public.py)
    assert (first["patient_pays"], first["net_patient_cost"]) == ("40.00", "10.00")
    expect(page.locator("#first-visit")).to_have_text(
        "Your first visit (Jan 4, 2027): $40.00 ($10.00 after you are paid back)")
    # every figure the patient typed, beside the result
    recap = {row.get_attribute("data-field"): row.locator("dd").inner_text()
             for row in page.locator("#recap-list > div").all()}
    assert recap == {
        "plan": answer["plan_name"], "start_date": "Jan 4, 2027", "coverage": "With insurance",
        "payer": "Acme Health PPO", "network": "In network", "patient_state": "Not given",
        "deductible": "$1,500.00",
        "deductible_met": "$0.00", "coinsurance": "20 %", "copay": "$30.00",
        "out_of_pocket_max": "$5,000.00", "out_of_pocket_met": "$0.00",
        "plan_year_start": "Jan 1, 2027 (you left it empty)"}

    # the copay accumulator question: "I don't know" shows the possible higher cost
    expect(page.locator("#accumulator-fieldset")).to_be_visible()
    with page.expect_response("**/api/v1/public/estimate") as info:
        page.get_by_label("I don't know").check()
    sent = info.value.request.post_data_json
    assert sent["copay_accumulator"] == "unknown"
    accumulated = staff_estimate(server, sent, both, accumulator=True)
    assert accumulated["totals"]["net_patient_cost"] == "3957.96"  # test_public.py
    expect(page.locator("#total")).to_have_text("$190.00")
    expect(page.locator("#with-accumulator")).to_have_text(
        dollars(accumulated["totals"]["net_patient_cost"]))
    expect(page.locator("#accumulator-note")).to_contain_text(
        "If your plan has a copay accumulator")
    expect(page.locator("#recap-list [data-field=copay_accumulator] dd")).to_have_text(
        "I don't know")
    screenshot(page, tmp_path, "calculator-program-desktop.png")

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(400)  # the chart is redrawn to the new width
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, tmp_path, "calculator-program-phone.png")

    with page.expect_response("**/api/v1/public/estimate") as info:
        page.get_by_label("Yes", exact=True).check()
    assert info.value.request.post_data_json["copay_accumulator"] == "yes"
    expect(page.locator("#total")).to_have_text(dollars(accumulated["totals"]["net_patient_cost"]))
    expect(page.locator("#without-programs")).to_have_text(
        dollars(without["totals"]["net_patient_cost"]))
    expect(page.locator("#accumulator-note")).to_be_hidden()


def test_the_state_is_sent_and_shown_when_chosen(page, server, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 900})
    open_calculator(page, server)
    fill_acme(page, "20")
    page.select_option("#patient_state", "NY")
    sent, response = submit(page)
    assert sent["patient_state"] == "NY" and response.status == 200
    expect(page.locator("#recap-list [data-field=patient_state] dd")).to_have_text("NY")
    screenshot(page, tmp_path, "calculator-state.png")


def test_services_the_clinic_may_not_bill_are_said_plainly(page, server, tmp_path):
    """State Medicaid does not cover IV ketamine: the patient is not billed for the
    infusions unless they sign a waiver (tests/api/test_public_liability.py)."""
    page.set_viewport_size({"width": 1280, "height": 900})
    open_calculator(page, server)
    page.get_by_label("Treatment", exact=True).select_option("ketamine-iv-6")
    page.get_by_label("Date of your first visit").fill("2027-01-04")
    page.get_by_label("With my insurance").check()
    page.get_by_label("Insurer").select_option("state-medicaid")
    expect(page.locator("#calculator")).to_have_attribute("data-plans-for", "state-medicaid")
    expect(page.locator("#calculator")).to_have_attribute("data-plans-ready", "true")
    sent, response = submit(page)
    assert response.status == 200
    answer = api_estimate(server, sent)
    assert response.json() == answer
    assert answer["totals"]["clinic_write_off"] == "6300.00"
    assert_page_shows(page, answer)
    expect(page.locator("#not-billed")).to_have_text("$6,300.00")
    box = page.locator("#clinic-liability")
    expect(box).to_be_visible()
    expect(box).to_contain_text("You would not be billed for them unless you sign a waiver "
                                "before the visit; with a waiver you would pay their cash "
                                "price of $6,300.00")
    expect(page.locator("#warnings li[data-code=clinic_liability]")).to_have_count(0)
    assert answer["range"]["low"] == answer["range"]["high"] == "0.00"
    expect(page.locator("#range")).to_be_hidden()  # "between $0.00 and $0.00" says nothing
    expect(page.locator("#status")).to_contain_text("$6,300.00 is not billed to you")
    assert_contrast(page)
    ratios = page.evaluate(CONTRAST, [".clinic-liability p", ".total dt", ".total dd"])
    assert ratios and all(ratio >= 4.5 for _selector, ratio in ratios), ratios
    screenshot(page, tmp_path, "calculator-clinic-liability.png")

    page.set_viewport_size({"width": 390, "height": 844})
    page.wait_for_timeout(400)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, tmp_path, "calculator-clinic-liability-phone.png")

    # nothing the clinic bears: no such row, no box
    page.set_viewport_size({"width": 1280, "height": 900})
    page.get_by_label("Insurer").select_option("medicare-b")
    expect(page.locator("#calculator")).to_have_attribute("data-plans-for", "medicare-b")
    expect(page.locator("#calculator")).to_have_attribute("data-plans-ready", "true")
    page.get_by_label("Treatment", exact=True).select_option("ketamine-iv-6")
    _sent, response = submit(page)
    assert response.json()["totals"]["clinic_write_off"] == "0.00"
    expect(page.locator("#not-billed")).to_have_count(0)
    expect(page.locator("#clinic-liability")).to_be_hidden()


def test_a_medicare_payer_offers_no_split_billing_plan(page, server, tmp_path):
    page.set_viewport_size({"width": 1280, "height": 900})
    open_calculator(page, server)
    plan = page.get_by_label("Treatment", exact=True)
    every = plan.locator("option").evaluate_all("nodes => nodes.map(n => n.value)")
    assert set(SPLIT_BILLING) <= set(every)
    plan.select_option("spravato-56-commercial")
    page.get_by_label("With my insurance").check()
    page.get_by_label("Insurer").select_option("medicare-b")
    expect(page.locator("#calculator")).to_have_attribute("data-plans-for", "medicare-b")
    expect(page.locator("#calculator")).to_have_attribute("data-plans-ready", "true")
    offered = plan.locator("option").evaluate_all("nodes => nodes.map(n => n.value)")
    assert not set(SPLIT_BILLING) & set(offered)
    assert "spravato-56-medicare" in offered
    # the plan picked before is not swapped silently: the patient is told and chooses
    expect(plan).to_have_value("")
    expect(page.locator("#plan-note")).to_contain_text("is not offered with Original Medicare")
    page.get_by_role("button", name="Estimate my cost").click()
    expect(page.locator("#plan-error")).to_have_text("Choose a treatment.")
    expect(plan).to_be_focused()
    plan.select_option("spravato-56-medicare")
    expect(page.locator("#plan-note")).to_be_hidden()
    sent, response = submit(page)
    assert sent["plan"] == "spravato-56-medicare" and response.status == 200
    screenshot(page, tmp_path, "calculator-medicare.png")
    # a commercial insurer offers split billing again; no insurance offers every plan
    page.get_by_label("Insurer").select_option("acme-ppo")
    expect(page.locator("#calculator")).to_have_attribute("data-plans-for", "acme-ppo")
    expect(page.locator("#calculator")).to_have_attribute("data-plans-ready", "true")
    offered = plan.locator("option").evaluate_all("nodes => nodes.map(n => n.value)")
    assert set(SPLIT_BILLING) <= set(offered)
    page.get_by_label("No insurance").check()
    expect(page.locator("#calculator")).to_have_attribute("data-plans-for", "")
    expect(page.locator("#calculator")).to_have_attribute("data-plans-ready", "true")
    assert plan.locator("option").evaluate_all("nodes => nodes.map(n => n.value)") == every
