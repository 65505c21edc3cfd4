"""Flask commands: `audit export` (a period as JSON lines or CSV), `audit purge`."""
import csv
import json

import click
from flask import current_app
from flask.cli import AppGroup

audit_cli = AppGroup("audit", help="The audit trail (HIPAA 164.312(b)).")
DAY = click.DateTime(["%Y-%m-%d"])


@audit_cli.command("export")
@click.option("--from", "start", type=DAY, required=True, help="First day (UTC), YYYY-MM-DD.")
@click.option("--to", "end", type=DAY, required=True, help="Last day (UTC), inclusive.")
@click.option("--output", type=click.Path(dir_okay=False, writable=True),
              help="Write to this file (default: standard output).")
@click.option("--format", "kind", type=click.Choice(["jsonl", "csv"]), default="jsonl",
              show_default=True)
def audit_export(start, end, output, kind):
    """Write the audit events of a period, oldest first (no PHI is ever in them)."""
    from costapi.services.audit import COLUMNS, events_between

    if end < start:
        raise click.BadParameter("may not be before --from", param_hint="--to")
    written = 0
    with click.open_file(output or "-", "w", encoding="utf-8") as out:
        writer = csv.DictWriter(out, COLUMNS) if kind == "csv" else None
        if writer:
            writer.writeheader()
        for event in events_between(start.date(), end.date()):
            if writer:
                writer.writerow(event)
            else:
                out.write(json.dumps(event) + "\n")
            written += 1
    click.echo(f"exported {written} audit events", err=True)


@audit_cli.command("purge")
@click.option("--days", type=click.IntRange(min=1), default=None,
              help="Keep this many days (default: AUDIT_RETENTION_DAYS, 2190 = 6 years).")
def audit_purge(days):
    """Delete audit events older than the retention: the only deletion of the trail."""
    from costapi.services.audit import purge

    days = current_app.config["AUDIT_RETENTION_DAYS"] if days is None else days
    click.echo(f"purged {purge(days)} audit events older than {days} days")
