"""The calculator page in Chromium: the numbers on the page are the API's, errors sit
beside their field, and screenshots are kept under test-output/ for a person to look at."""
import json
import threading
import urllib.request
from decimal import Decimal
from pathlib import Path

import pytest
from playwright.sync_api import expect
from werkzeug.serving import make_server

from costapi import create_app, migrations
from costapi.db import make_engine, session
from costapi.fixtures import load_fixtures
from costapi.settings import TestConfig

pytestmark = pytest.mark.no_db_transaction

OUTPUT = Path(__file__).resolve().parents[2] / "test-output"


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


def api_estimate(base, body):
    request = urllib.request.Request(f"{base}/api/v1/public/estimate",
                                     data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=10) as response:
        return json.load(response)


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
        expect(page.locator(f"#warnings li[data-code={warning['code']}]")).to_have_text(
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
    page.set_viewport_size({"width": 1024, "height": 900})
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
