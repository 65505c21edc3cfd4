"""POST/GET /remittances: stored once, matched as domain.md 7 says, refused with the
segment and position named."""
from costapi.db import session
from costapi.models.remittances import Remittance
from tests.api.estimate_requests import medicare, with_patient, with_secondary
from tests.remittances.edi import interchange
from tests.remittances.files import MEMBER, drift_and_denial, patient, visit_1


def test_the_same_sender_and_control_number_again_is_the_stored_one(
        app, client, billing, estimate, post_835):
    first = post_835(drift_and_denial())
    again = post_835(drift_and_denial())
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json["id"] == first.json["id"]
    listed = client.get("/api/v1/remittances", headers=billing)
    assert [item["id"] for item in listed.json] == [first.json["id"]]
    assert "claims" not in listed.json[0] and listed.json[0]["raw_file_kept"] is True
    with app.app_context():
        assert session.get(Remittance, first.json["id"]).raw_file == drift_and_denial()
    read = client.get(f"/api/v1/remittances/{first.json['id']}", headers=billing)
    assert read.status_code == 200 and read.json == first.json


def test_a_reversal_cancels_the_earlier_claim_and_frees_its_estimate_lines(
        client, billing, estimate, post_835):
    paid = post_835(interchange(visit_1("ACME27002"), "159.61", "000000201"))
    # CLP02 22 with the same CLP07: every amount of the original negated.
    reversal = post_835(interchange(visit_1("ACME27002", "22", "-"), "-159.61", "000000202"))
    assert reversal.status_code == 201, reversal.json
    assert reversal.json["counts"]["reversals"] == 1
    assert reversal.json["claims"][0]["reverses"] == paid.json["claims"][0]["id"]
    original = client.get(f"/api/v1/remittances/{paid.json['id']}", headers=billing).json
    assert original["claims"][0]["cancelled_by"] == reversal.json["claims"][0]["id"]
    report = client.get("/api/v1/accuracy", headers=billing).json
    assert report["claims"]["matched"] == 0 and report["lines"]["matched"] == 0
    # The corrected claim takes visit 1's lines again (taken, they would go to visit 2).
    corrected = post_835(interchange(visit_1("ACME27003"), "159.61", "000000203"))
    dates = {line["match"]["visit_date"] for line in corrected.json["claims"][0]["lines"]}
    assert dates == {"2027-01-04"}
    report = client.get("/api/v1/accuracy", headers=billing).json
    # Paid as estimated: 902.48 against 902.48.
    assert report["claims"] == {"matched": 1, "unmatched": 0, "evaluated": 1, "accurate": 1,
                                "accurate_share": "1.00"}
    assert report["mean_absolute_difference"] == "0.00" and report["rate_drift"] == []


def test_a_second_claim_for_the_same_visit_takes_the_next_nearest_visit(
        estimate, post_835):
    post_835(interchange(visit_1("ACME27002"), "159.61", "000000211"))
    again = post_835(interchange(visit_1("ACME27004"), "159.61", "000000212"))
    dates = {line["match"]["visit_date"] for line in again.json["claims"][0]["lines"]}
    assert dates == {"2027-01-07"}  # 3 days later beats nothing; visit 1 is taken


def test_a_secondary_claim_is_compared_with_secondary_pays(seeded, client, billing,
                                                            post_835):
    body = with_patient(with_secondary(medicare(), "supplement", payer="medigap-g"),
                        reference="MRN-2002")
    estimate = client.post("/api/v1/estimates", json=body, headers=billing).json
    # Medicare allowed 900.00 for G2082 and paid 493.60; Plan G pays the 20 % (123.40)
    # and leaves the Part B deductible (PR-1 283.00); OA-23 1200.00 - 123.40 - 283.00 =
    # 793.60 is the prior payer's adjudication.
    claim = ["CLP*MRN-2002*2*1200.00*123.40*283.00*12*MGG27001", patient("1EG4TE5MK73"),
             "SVC*HC:G2082*1200.00*123.40**1", "DTM*472*20270104", "CAS*PR*1*283.00",
             "CAS*OA*23*793.60", "AMT*B6*900.00"]
    posted = post_835(interchange(claim, "123.40", "000000301", sender="MEDIGAPG",
                                  payer=("MEDIGAP G CARRIER", "MGG01")))
    assert posted.status_code == 201, posted.json
    claim = posted.json["claims"][0]
    assert (claim["role"], claim["payer"], claim["estimate_id"]) == (
        "secondary", "medigap-g", estimate["id"])
    line = claim["lines"][0]
    assert line["estimated"]["insurance_pays"] == "123.40"  # the estimate's secondary_pays
    assert line["estimated"]["patient_share"] == "283.00"  # its patient_pays
    assert line["differences"] == {"patient_share": "0.00", "allowed": "0.00",
                                   "insurance_pays": "0.00"}
    report = client.get("/api/v1/accuracy?payer=medigap-g", headers=billing).json
    assert report["claims"]["accurate"] == 1 and report["rate_drift"] == []


def test_unmatched_claims_and_lines_are_kept_and_reported(client, billing, estimate,
                                                          post_835):
    # A visit-1 claim with a psychotherapy line the estimate does not have (90837: charge
    # 200.00, paid 188.80, CO-45 11.20), and a claim for a patient without an estimate.
    known = visit_1("ACME27005")
    known[0] = "CLP*MRN-1001*1*1557.00*348.41*902.48*12*ACME27005"
    known += ["SVC*HC:90837*200.00*188.80**1", "DTM*472*20270104", "CAS*CO*45*11.20"]
    stranger = ["CLP*MRN-7777*1*200.00*188.80*0.00*12*ACME27006", patient("W999"),
                "SVC*HC:90837*200.00*188.80**1", "DTM*472*20270105", "CAS*CO*45*11.20"]
    posted = post_835(interchange(known + stranger, "537.21", "000000401"))
    assert posted.status_code == 201, posted.json
    assert posted.json["counts"] == {"claims": 2, "lines": 6, "reversals": 0,
                                     "claims_matched": 1, "claims_unmatched": 1,
                                     "lines_matched": 4, "lines_unmatched": 2}
    first, second = posted.json["claims"]
    assert first["lines"][4]["match"] is None and first["lines"][4]["differences"] is None
    assert second["estimate_id"] is None and second["patient_reference"] == "MRN-7777"
    report = client.get("/api/v1/accuracy", headers=billing).json
    assert report["claims"]["matched"] == 1 and report["claims"]["unmatched"] == 1
    assert report["lines"] == {"matched": 4, "unmatched": 2}
    psychotherapy = next(item for item in report["by_service"] if item["service"] == "90837")
    assert psychotherapy["lines"] == {"matched": 0, "unmatched": 2}
    assert psychotherapy["mean_absolute_difference"] is None


def test_an_estimate_made_on_or_after_the_first_service_date_is_not_matched(
        client, billing, estimate, post_835):
    late = ["CLP*MRN-1001*1*285.00*124.58*30.00*12*ACME27007", patient(),
            "SVC*HC:99214*285.00*124.58**1", "DTM*472*20261130", "CAS*PR*3*30.00",
            "CAS*CO*45*130.42"]
    posted = post_835(interchange(late, "124.58", "000000501"))
    assert posted.json["claims"][0]["estimate_id"] is None


def test_a_broken_file_is_a_422_naming_segment_and_position(estimate, post_835):
    broken = interchange(["CLP*MRN-1001*1*ABC*0.00*0.00*12*X1", patient(MEMBER)], "0.00")
    response = post_835(broken)
    assert response.status_code == 422
    body = response.json
    # ISA GS ST BPR TRN DTM N1 N3 N4 N1 LX, then CLP: the 12th segment
    assert body["segment"] == "CLP" and body["position"] == 12
    assert body["errors"] == {
        "body": ["CLP at segment 12: CLP03 is not a valid amount"]}
    assert body["error"] == "unprocessable_entity" and "CLP" in body["message"]


def test_refused_bodies(client, billing, website, seeded, post_835):
    assert post_835("").status_code == 422
    assert post_835("   \n").json["errors"] == {"body": ["The body is empty: send the "
                                                          "835 file."]}
    assert post_835("ISA*00*").json["segment"] == "ISA"
    assert post_835("ISA" + "\x00" * 200).json["errors"]["body"]
    as_json = client.post("/api/v1/remittances", json={"a": 1}, headers=billing)
    assert as_json.status_code == 415 and as_json.json["error"] == "unsupported_media_type"
    plain = client.post("/api/v1/remittances", data=b"x", headers={
        **billing, "Content-Type": "text/plain; charset=utf-8"})
    assert plain.status_code == 422
    large = post_835("ISA" + "x" * (5 * 1024 * 1024))
    assert large.status_code == 413 and large.json["code"] == 413
    assert client.post("/api/v1/remittances", data=b"ISA", headers={
        **website, "Content-Type": "text/plain"}).status_code == 403
    assert client.get("/api/v1/remittances/" + "0" * 36, headers=billing).status_code == 404
    assert client.get("/api/v1/accuracy").status_code == 401
