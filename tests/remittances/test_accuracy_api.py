"""The done-when case and the accuracy report over hand-worked 835s (tests/remittances/
files.py gives every figure)."""
import logging

from tests.remittances.edi import interchange
from tests.remittances.files import MEMBER, PATIENT, drift_and_denial, patient


def _rate_ids(estimate):
    return {line["service"]: (line["rate_id"], line["policy_id"])
            for line in estimate["visits"][0]["lines"]}


def test_a_different_rate_and_a_denied_visit_show_in_the_accuracy_report(
        client, billing, estimate, post_835):
    posted = post_835(drift_and_denial())
    assert posted.status_code == 201, posted.json
    remittance = posted.json
    assert remittance["payer"] == "acme-ppo"
    assert remittance["counts"] == {"claims": 1, "lines": 12, "reversals": 0,
                                    "claims_matched": 1, "claims_unmatched": 0,
                                    "lines_matched": 12, "lines_unmatched": 0}
    claim = remittance["claims"][0]
    assert claim["estimate_id"] == estimate["id"] and claim["matched_by"] == "reference"
    first, denied = claim["lines"][0], claim["lines"][4]
    assert first["match"] == {"estimate_id": estimate["id"], "visit_index": 0,
                              "visit_date": "2027-01-04", "line_index": 0,
                              "service": "J0013"}
    assert first["estimated"]["patient_share"] == "872.48"
    assert first["patient_share"] == "840.00" and first["allowed"] == "840.00"
    assert first["differences"] == {"patient_share": "-32.48", "allowed": "-32.48",
                                    "insurance_pays": "0.00"}
    assert denied["match"]["visit_date"] == "2027-01-07" and denied["denied"] is True
    assert denied["reasons"] == ["CO-197"]
    assert denied["differences"]["insurance_pays"] == "-195.97"
    assert "member_id" not in str(remittance) and MEMBER not in str(remittance)

    report = client.get("/api/v1/accuracy?from=2027-01-01&to=2027-01-31", headers=billing)
    assert report.status_code == 200, report.json
    body = report.json
    # Actual 1596.00 against 902.48 + 706.51 + 204.50 = 1813.49: off by 217.49, more
    # than the larger of 25.00 and 181.349 (10 %): inaccurate.
    assert body["claims"] == {"matched": 1, "unmatched": 0, "evaluated": 1, "accurate": 0,
                              "accurate_share": "0.00"}
    assert body["lines"] == {"matched": 12, "unmatched": 0}
    # |840.00 - 872.48| + |0 - 676.51| + |0 - 30.00| + |696.00 - 174.50| = 1260.49 / 12
    assert body["mean_absolute_difference"] == "105.04"
    j0013 = next(item for item in body["by_service"] if item["service"] == "J0013")
    assert j0013 == {"service": "J0013", "lines": {"matched": 3, "unmatched": 0},
                     "mean_absolute_difference": "410.16",  # 1230.49 / 3
                     "estimated_patient_share": "1723.49", "actual_patient_share": "1536.00"}
    assert [item["payer"] for item in body["by_payer"]] == ["acme-ppo"]
    assert [(item["code"], item["lines"], item["amount"]) for item in body["reasons"]] == [
        ("PR-1", 2, "1500.00"), ("CO-197", 4, "1357.00"), ("CO-45", 4, "493.00"),
        ("PR-3", 2, "60.00"), ("PR-2", 1, "36.00")]

    ids = _rate_ids(estimate)
    denials = {item["service"]: item for item in body["unforeseen_denials"]}
    assert set(denials) == {"J0013", "99214", "99415", "99416"}
    assert denials["J0013"] == {
        "payer": "acme-ppo", "service": "J0013", "policy_id": ids["J0013"][1], "lines": 1,
        "reasons": [{"group": "CO", "reason": "197", "code": "CO-197", "lines": 1}],
        "estimated_insurance_pays": "195.97", "remittances": [remittance["id"]],
        "claim_numbers": ["ACME27001"]}

    drift = {item["service"]: item for item in body["rate_drift"]}
    assert set(drift) == {"J0013", "99214"}  # 99415 and 99416 were paid at the contract
    assert drift["J0013"] == {
        "payer": "acme-ppo", "service": "J0013", "rate_id": ids["J0013"][0],
        "effective_from": "2026-01-01", "effective_to": None,
        "contracted_per_unit": "15.58", "median_per_unit": "15.00",  # 840.00 / 56, twice
        "difference_percent": "-3.72", "lines": 2, "remittances": [remittance["id"]]}
    # 150.00 and 151.00: the median of an even count is their mean, 150.50;
    # (150.50 - 154.58) / 154.58 = -2.639 %
    assert (drift["99214"]["median_per_unit"], drift["99214"]["difference_percent"],
            drift["99214"]["rate_id"], drift["99214"]["lines"]) == (
        "150.50", "-2.64", ids["99214"][0], 2)

    rate = client.get("/api/v1/payers/acme-ppo", headers=billing).json
    assert any(item["service"] == "J0013" and item["allowed"] == "15.58"
               for item in rate["rates"])  # findings never change a rate


def test_the_report_filters_by_service_dates_and_payer(client, billing, estimate, post_835):
    assert post_835(drift_and_denial()).status_code == 201
    before = client.get("/api/v1/accuracy?to=2026-12-31", headers=billing).json
    assert before["claims"]["matched"] == 0 and before["rate_drift"] == []
    other = client.get("/api/v1/accuracy?payer=bluestate-hmo", headers=billing).json
    assert other["lines"] == {"matched": 0, "unmatched": 0}
    assert other["mean_absolute_difference"] is None
    assert client.get("/api/v1/accuracy?payer=acme-ppo",
                      headers=billing).json["lines"]["matched"] == 12


def test_bad_query_fields_are_named(client, billing, seeded):
    for query, field in (("from=2027-13-01", "from"), ("to=yesterday", "to"),
                         ("from=2027-02-01&to=2027-01-01", "to"), ("payer=nobody", "payer")):
        response = client.get(f"/api/v1/accuracy?{query}", headers=billing)
        assert response.status_code == 422, query
        assert field in response.json["errors"]["query"], response.json


def test_no_member_id_or_name_reaches_a_log(app, estimate, post_835, caplog):
    caplog.set_level(logging.DEBUG)
    broken = interchange(["CLP*MRN-1001*1*ABC*0.00*0.00*12*X1", patient()], "0.00",
                         control="000000102")
    assert post_835(drift_and_denial()).status_code == 201
    rejected = post_835(broken)
    assert rejected.status_code == 422
    logged = caplog.text + "\n".join(str(record.args) for record in caplog.records)
    for value in (MEMBER, *PATIENT, "MRN-1001"):
        assert value not in logged
        assert value not in rejected.get_data(as_text=True)
