"""Recalculating stored estimates in bulk: new figures, links, whole chunks, flat SQL per chunk."""
from decimal import Decimal

import orjson
import pytest
from sqlalchemy import event, func, select

from costapi.api.estimate_requests import load_request
from costapi.api.payers import PayerSchema
from costapi.db import session
from costapi.models import EligibilityCheck, Estimate
from costapi.models.versioned import utcnow
from costapi.services import estimates, recalculation
from costapi.services.payers import payers, view
from tests.api.estimate_requests import self_pay, spravato, with_patient

pytestmark = pytest.mark.usefixtures("seeded")
load = load_request


@pytest.fixture
def seeded(app):
    from costapi.fixtures import load_fixtures

    with app.app_context():
        load_fixtures()
        yield


def stored(raw):
    """Store an estimate as POST /estimates does; its id."""
    return orjson.loads(estimates.create(load(raw), raw, None))["id"]


def result(estimate_id):
    return orjson.loads(session.get(Estimate, estimate_id).result)


def successor(estimate_id):
    return session.scalar(select(Estimate).where(Estimate.recalculated_from == estimate_id))


def count():
    return session.scalar(select(func.count()).select_from(Estimate))


def change_drug_rate(allowed):
    """Acme PPO's J0013 rate, as an admin's PUT would change it."""
    row = payers.get("acme-ppo")
    data = PayerSchema().load(PayerSchema().dump(view(row)))
    for rate in data["rates"]:
        if rate["service"] == "J0013":
            rate["allowed"] = allowed
    payers.replace("acme-ppo", data, expected_version=row.version)


def payer_version(estimate_id):
    return session.get(Estimate, estimate_id).rule_versions["payer"]["version"]


def test_a_changed_rate_gives_the_new_allowed_and_links_the_new_estimate():
    old = stored(with_patient(spravato()))
    before = result(old)
    assert before["visits"][0]["lines"][0]["allowed"] == "872.48"  # 56 mg x 15.58
    change_drug_rate(Decimal("10.0000"))

    outcome = recalculation.recalculate(load)

    assert (outcome.selected, outcome.recalculated, outcome.failed) == (1, 1, {})
    new = successor(old)
    body = result(new.id)
    assert body["visits"][0]["lines"][0]["allowed"] == "560.00"  # 56 mg x 10.00
    assert body["id"] == new.id and body["recalculated_from"] == old
    assert body["patient_reference"] == new.patient_reference == "MRN-1001"
    assert new.request == session.get(Estimate, old).request
    assert new.rule_versions["payer"]["version"] == payer_version(old) + 1
    assert body["data_versions"]["rates"] != before["data_versions"]["rates"]
    assert result(old) == before  # the old estimate is never rewritten
    # The same figures as the one-by-one path (POST /estimates/{id}/recalculate).
    single = orjson.loads(estimates.recalculate(old, load, None))
    assert single["totals"] == body["totals"] and single["visits"] == body["visits"]


def test_only_the_newest_of_each_chain_and_the_filters():
    acme = stored(spravato())
    cash = stored(self_pay())
    assert recalculation.recalculate(load, payer="acme-ppo").recalculated == 1
    assert successor(cash) is None
    assert recalculation.recalculate(load, plan="ketamine-iv-6").recalculated == 1
    first_acme, first_cash = successor(acme).id, successor(cash).id

    outcome = recalculation.recalculate(load)  # the newest of each chain: 2, not 4

    assert outcome.recalculated == 2
    assert successor(first_acme) is not None and successor(first_cash) is not None
    assert count() == 6


def test_an_error_leaves_the_chunk_unwritten_and_a_rerun_goes_on(monkeypatch):
    ids = [stored(spravato()) for _ in range(5)]
    started = utcnow()
    real, calls = estimates.compute, []

    def failing(request):
        calls.append(1)
        if len(calls) == 4:
            raise RuntimeError("the database went away")
        return real(request)

    monkeypatch.setattr(estimates, "compute", failing)
    with pytest.raises(RuntimeError):
        recalculation.recalculate(load, chunk_size=2)

    assert [successor(i) is not None for i in ids] == [True, True, False, False, False]
    assert count() == 7  # the first chunk whole, nothing of the second

    outcome = recalculation.recalculate(load, created_before=started, chunk_size=2)
    assert outcome.recalculated == 3
    assert all(successor(i) is not None for i in ids) and count() == 10


def test_a_request_that_no_longer_fits_is_reported_and_the_others_stored():
    acme = stored(spravato())
    cash = stored(self_pay())
    payer = payers.get("acme-ppo")
    payers.delete("acme-ppo", expected_version=payer.version)

    outcome = recalculation.recalculate(load)

    assert outcome.recalculated == 1 and list(outcome.failed) == [acme]
    assert "payer" in str(outcome.failed[acme])
    assert successor(acme) is None and successor(cash) is not None


def test_a_request_the_schema_now_refuses_is_reported_with_its_fields():
    old = stored(spravato())
    row = session.get(Estimate, old)
    row.request = {**row.request, "referral": "Dr. Who"}  # a field the schema does not know
    session.commit()

    outcome = recalculation.recalculate(load)

    assert outcome.recalculated == 0
    assert outcome.failed == {old: {"json": {"referral": ["Unknown field."]}}}
    assert successor(old) is None


def _statements(engine, action):
    seen = []

    def record(*args):
        seen.append(args[2])

    event.listen(engine, "before_cursor_execute", record)
    try:
        action()
    finally:
        event.remove(engine, "before_cursor_execute", record)
    return seen


def test_statements_per_chunk_do_not_grow_with_its_size(engine):
    check = EligibilityCheck(
        id="c" * 36, payer_code="acme-ppo", trading_partner_id="60054", member_id="W1",
        member_hash="h" * 64, service_type="MH", network="in", control_number="000000001",
        status="active", benefits={"plan_year_start": "2027-01-01", "deductible": "1500.00"},
        confidence="high", warnings=[], prior_authorization=[])
    session.add(check)
    session.commit()
    small = spravato(eligibility_check=check.id)
    large = {**spravato(eligibility_check=check.id), "plan": "spravato-84-commercial"}
    for _ in range(3):
        stored(small)
    for i in range(12):  # with and without a patient reference, mixed
        stored(with_patient(large, reference=f"MRN-{i}") if i % 2 else large)
    session.expunge_all()

    few = _statements(engine, lambda: recalculation.recalculate(
        load, plan="spravato-56-commercial", chunk_size=3))
    many = _statements(engine, lambda: recalculation.recalculate(
        load, plan="spravato-84-commercial", chunk_size=12))

    assert len(few) == len(many), [sql.split("\n")[0][:60] for sql in many]
    assert count() == 30


def test_the_command_recalculates_and_reports(app):
    stored(spravato())
    stored(self_pay())
    runner = app.test_cli_runner()

    done = runner.invoke(args=["estimates", "recalculate", "--payer", "acme-ppo"])

    assert done.exit_code == 0, done.output
    assert "recalculated 1 of 1 estimates" in done.output
    payer = payers.get("acme-ppo")
    payers.delete("acme-ppo", expected_version=payer.version)
    failed = runner.invoke(args=["estimates", "recalculate"])
    assert failed.exit_code == 1
    assert "recalculated 1 of 2 estimates, 1 no longer fit" in failed.output
