"""Every route declares who may call it; the URL map is walked so no route slips through."""
import re

import pytest

from costapi.api.access import PUBLIC, roles_of, undeclared_routes

SAMPLE_VALUES = {"code": "x", "id": "1", "estimate_id": "0" * 36}


def protected_routes(app):
    with app.app_context():
        for rule in app.url_map.iter_rules():
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                roles = roles_of(rule.endpoint, method)
                if PUBLIC not in roles:
                    path = re.sub(r"<(?:[^>]*:)?(\w+)>",
                                  lambda match: SAMPLE_VALUES[match.group(1)], rule.rule)
                    yield method, path, roles


def test_every_route_declares_its_roles(app):
    assert undeclared_routes(app) == []


def test_protected_routes_exist(app):
    assert len(list(protected_routes(app))) >= 25


def test_no_key_or_a_bad_key_is_401(app, client):
    for method, path, _roles in protected_routes(app):
        assert client.open(path, method=method).status_code == 401, (method, path)
        bad = client.open(path, method=method, headers={"Authorization": "Bearer ck_nope"})
        assert bad.status_code == 401, (method, path)
        assert bad.json["code"] == 401


def test_the_401_and_403_bodies_name_the_key_problem(client, website):
    missing = client.get("/api/v1/services")
    assert missing.headers["WWW-Authenticate"] == "Bearer"
    assert missing.json == {"code": 401, "status": "Unauthorized", "error": "unauthorized",
                            "message": "An API key is required: Authorization: Bearer <key>."}
    bad = client.get("/api/v1/services", headers={"Authorization": "Bearer ck_nope"})
    assert bad.headers["WWW-Authenticate"] == "Bearer"
    assert bad.json == {"code": 401, "status": "Unauthorized", "error": "unauthorized",
                        "message": "The API key is missing, invalid or revoked."}
    wrong_role = client.get("/api/v1/services", headers=website)
    assert "WWW-Authenticate" not in wrong_role.headers
    assert wrong_role.json == {"code": 403, "status": "Forbidden", "error": "forbidden",
                               "message": "This API key's role may not call this route."}


@pytest.mark.parametrize("role", ["website", "billing"])
def test_a_role_the_route_does_not_allow_is_403(app, client, role, request):
    headers = request.getfixturevalue(role)
    checked = 0
    for method, path, roles in protected_routes(app):
        if role not in roles:
            response = client.open(path, method=method, headers=headers, json={})
            assert response.status_code == 403, (method, path)
            checked += 1
    assert checked >= 10


def test_a_revoked_key_is_401(app, client):
    from costapi.services.keys import create_key, revoke_key

    with app.app_context():
        key, secret = create_key("temp", "billing")
        revoke_key(key.id)
    response = client.get("/api/v1/services", headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 401


def test_public_operations_need_no_key(client):
    assert client.get("/health").status_code == 200
    assert client.get("/ready").status_code == 200
    assert client.get("/openapi.json").status_code == 200


def test_probes_ignore_any_key(client):
    """A load balancer's probe that sends some Authorization header is still answered."""
    headers = {"Authorization": "Bearer ck_not_a_key"}
    assert client.get("/health", headers=headers).status_code == 200
    assert client.get("/ready", headers=headers).status_code == 200
