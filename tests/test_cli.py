"""The keys commands: the key is printed alone on the last line and only its hash is stored."""
import hashlib

from sqlalchemy import select

from costapi.db import session
from costapi.models import ApiKey


def test_create_list_revoke(app, client):
    runner = app.test_cli_runner()
    created = runner.invoke(args=["keys", "create", "--role", "billing", "--name", "front desk"])
    assert created.exit_code == 0, created.output
    secret = created.output.strip().splitlines()[-1]
    assert secret.startswith("ck_") and " " not in secret

    stored = session.scalar(select(ApiKey).where(ApiKey.name == "front desk"))
    assert stored.key_hash == hashlib.sha256(secret.encode()).hexdigest()
    assert secret not in (stored.prefix + stored.key_hash)

    assert client.get("/api/v1/services",
                      headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    listed = runner.invoke(args=["keys", "list"])
    assert "front desk" in listed.output and secret not in listed.output

    revoked = runner.invoke(args=["keys", "revoke", str(stored.id)])
    assert revoked.exit_code == 0
    assert client.get("/api/v1/services",
                      headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    assert runner.invoke(args=["keys", "revoke", "999999"]).exit_code != 0


def test_a_bad_role_is_refused(app):
    result = app.test_cli_runner().invoke(args=["keys", "create", "--role", "root", "--name", "x"])
    assert result.exit_code != 0
