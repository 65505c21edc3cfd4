"""Flask commands: `audit export`, `audit purge`."""
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="The audit trail (HIPAA 164.312(b)).")
