"""`flask remittances import` over a folder, the retention purge of raw 835 files, and a
claim matched through the eligibility check's member id."""
import uuid
from datetime import timedelta

from costapi.db import session
from costapi.models import EligibilityCheck, Estimate
from costapi.models.remittances import Remittance
from costapi.models.versioned import utcnow
from tests.remittances.edi import interchange
from tests.remittances.files import MEMBER, PATIENT, drift_and_denial, visit_1


def test_import_a_folder_with_a_progress_bar(app, client, billing, estimate, tmp_path):
    for n in range(12):
        (tmp_path / f"{n:02d}.835").write_text(
            interchange(visit_1(f"ACME28{n:03d}"), "159.61", f"{700 + n}"))
    (tmp_path / "broken.835").write_text(interchange(
        ["CLP*MRN-1001*1*ABC*0.00*0.00*12*X1"], "0.00", "000000799"))
    result = app.test_cli_runner().invoke(args=["remittances", "import", str(tmp_path),
                                 str(tmp_path / "00.835")])
    assert result.exit_code == 1, result.output
    assert ("imported 12 of 14 files (1 already stored, 1 rejected): 12 claims, 48 lines, "
            "48 lines matched to estimates") in result.output
    assert "broken.835: CLP at segment 12: CLP03 is not a valid amount" in result.stderr
    assert "importing" in result.stderr  # the progress bar
    for value in (MEMBER, *PATIENT):
        assert value not in result.output + result.stderr
    assert len(client.get("/api/v1/remittances?page_size=50", headers=billing).json) == 12


def test_the_purge_forgets_raw_835_files_past_the_retention(app, estimate, post_835):
    old = post_835(drift_and_denial("000000901")).json["id"]
    recent = post_835(drift_and_denial("000000902")).json["id"]
    with app.app_context():
        session.get(Remittance, old).created_at = utcnow() - timedelta(days=31)
        session.commit()
    result = app.test_cli_runner().invoke(args=["eligibility", "purge"])
    assert result.exit_code == 0
    assert "purged 1 raw 835 files older than 30 days" in result.output
    with app.app_context():
        purged, kept = session.get(Remittance, old), session.get(Remittance, recent)
        assert purged.raw_file is None and purged.raw_purged_at is not None
        assert len(purged.claims[0].lines) == 12 and kept.raw_file is not None


def test_without_the_reference_a_claim_matches_by_the_checks_member_id(app, estimate,
                                                                        post_835):
    with app.app_context():
        check = EligibilityCheck(
            id=str(uuid.uuid4()), payer_code="acme-ppo", trading_partner_id="60054",
            member_id=MEMBER, member_hash="0" * 64, service_type="MH", network="in",
            control_number="000000001", status="active", benefits={}, confidence="high",
            warnings=[], prior_authorization=[])
        stored = session.get(Estimate, estimate["id"])
        other = Estimate(id=str(uuid.uuid4()), plan_code=stored.plan_code,
                         start_date=stored.start_date, patient_reference=None,
                         request={"coverage": {"payer": "acme-ppo",
                                               "eligibility_check": check.id}},
                         result=stored.result, rule_versions=stored.rule_versions)
        session.add_all([check, other])
        session.commit()
        other_id = other.id
    claim = visit_1("ACME29001")
    claim[0] = claim[0].replace("MRN-1001", "ACCT-55")  # a control number of another system
    posted = post_835(interchange(claim, "159.61", "000000950")).json
    assert posted["claims"][0]["estimate_id"] == other_id
    assert posted["claims"][0]["matched_by"] == "member"
