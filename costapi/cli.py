"""Flask commands: `db` (migrations), `fixtures load`, `keys` (API keys), `eligibility purge`,
`estimates recalculate`, `remittances import`."""
import sys
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from costapi import migrations
from costapi.audit_cli import audit_cli
from costapi.models.auth import ROLES

db_cli = AppGroup("db", help="Database schema migrations (Alembic).")
fixtures_cli = AppGroup("fixtures", help="Seed rule data.")
keys_cli = AppGroup("keys", help="API keys.")
eligibility_cli = AppGroup("eligibility", help="Real-time eligibility checks.")
estimates_cli = AppGroup("estimates", help="Stored estimates.")
remittances_cli = AppGroup("remittances", help="Remittances (X12 835 files).")
PROGRESS_FROM = 10  # files; fewer import without a progress bar


def _url():
    return current_app.config["DATABASE_URL"]


@db_cli.command("upgrade")
@click.argument("revision", default="head")
def db_upgrade(revision):
    """Create or upgrade the schema."""
    migrations.upgrade(_url(), revision)


@db_cli.command("downgrade")
@click.argument("revision", default="-1")
def db_downgrade(revision):
    """Step the schema back (`base` removes every table)."""
    migrations.downgrade(_url(), revision)


@db_cli.command("revision")
@click.option("-m", "--message", required=True)
@click.option("--autogenerate/--empty", default=True)
def db_revision(message, autogenerate):
    """Write a new migration from the models."""
    from alembic import command

    command.revision(migrations.alembic_config(_url()), message=message,
                     autogenerate=autogenerate)


@db_cli.command("current")
def db_current():
    """Print the schema's revision and the newest one."""
    with current_app.extensions["db_engine"].connect() as connection:
        click.echo(f"current: {migrations.current_revision(connection)}")
    click.echo(f"head: {migrations.head_revision()}")


@fixtures_cli.command("load")
@click.option("--if-empty", is_flag=True, help="Only when no service exists yet.")
def fixtures_load(if_empty):
    """Load fixtures/*.yaml (idempotent: equal items are left alone)."""
    from costapi.fixtures import FixtureError, load_fixtures
    from costapi.services.catalog import services

    if if_empty and services.count():
        click.echo("rule data present; fixtures not loaded")
        return
    try:
        counts = load_fixtures()
    except FixtureError as error:
        raise click.ClickException(str(error)) from None
    click.echo(", ".join(f"{count} {state}" for state, count in counts.items()))


@keys_cli.command("create")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--name", required=True, help="Who or what uses the key.")
def keys_create(role, name):
    """Create a key; the key itself is printed once, alone on the last line."""
    from costapi.services.keys import create_key

    key, secret = create_key(name, role)
    click.echo(f"created key {key.id} ({key.role}, {key.name}); store it now, it is not kept:")
    click.echo(secret)


@keys_cli.command("list")
def keys_list():
    """List keys (id, role, name, prefix, created, revoked)."""
    from costapi.services.keys import list_keys

    for key in list_keys():
        revoked = key.revoked_at.isoformat() if key.revoked_at else "-"
        click.echo(f"{key.id}\t{key.role}\t{key.name}\t{key.prefix}…\t"
                   f"{key.created_at.isoformat()}\t{revoked}")


@keys_cli.command("revoke")
@click.argument("key_id", type=int)
def keys_revoke(key_id):
    """Revoke a key by id."""
    from costapi.services.keys import revoke_key

    key = revoke_key(key_id)
    if key is None:
        raise click.ClickException(f"no key {key_id}")
    click.echo(f"revoked key {key.id} ({key.name})")


@eligibility_cli.command("purge")
@click.option("--days", type=click.IntRange(min=0), default=None,
              help="Keep raw answers this many days (default: ELIGIBILITY_RETENTION_DAYS).")
def eligibility_purge(days):
    """Delete raw clearinghouse answers and raw 835 files older than the retention (derived
    benefits, claims and lines stay)."""
    from costapi.services.eligibility import purge_raw_answers
    from costapi.services.remittances import purge_raw_files

    days = current_app.config["ELIGIBILITY_RETENTION_DAYS"] if days is None else days
    click.echo(f"purged {purge_raw_answers(days)} raw answers older than {days} days")
    click.echo(f"purged {purge_raw_files(days)} raw 835 files older than {days} days")


@estimates_cli.command("recalculate")
@click.option("--payer", help="Only estimates for this payer's code.")
@click.option("--plan", help="Only estimates of this plan's code.")
@click.option("--created-before", type=click.DateTime(["%Y-%m-%dT%H:%M:%S.%f%z"]),
              help="Only estimates stored before this instant (to go on after a stopped run).")
@click.option("--chunk-size", type=click.IntRange(1, 5000), default=500, show_default=True,
              help="Estimates per transaction.")
def estimates_recalculate(payer, plan, created_before, chunk_size):
    """Recalculate stored estimates with today's rules (run it after a rule change).

    Each new estimate is linked to the one it replaces (recalculated_from); only the newest
    estimate of each chain is taken. Chunks are committed whole: after a stopped run, run
    again with the --created-before it printed to go on where it stopped.
    """
    from costapi.api.estimate_requests import load_request
    from costapi.models.versioned import utcnow
    from costapi.services.recalculation import recalculate

    started = created_before or utcnow()
    resume = started.isoformat(timespec="microseconds")
    click.echo(f"to go on after a stop: --created-before {resume}", err=True)

    def progress(outcome):
        done = outcome.recalculated + len(outcome.failed)
        click.echo(f"{done}/{outcome.selected}", err=True)

    outcome = recalculate(load_request, payer=payer, plan=plan,
                          created_before=started, chunk_size=chunk_size, progress=progress)
    for estimate_id, errors in outcome.failed.items():
        click.echo(f"not recalculated: {estimate_id}: {errors}", err=True)
    click.echo(f"recalculated {outcome.recalculated} of {outcome.selected} estimates, "
               f"{len(outcome.failed)} no longer fit today's rules")
    if outcome.failed:
        raise SystemExit(1)


def _files(paths):
    """The files named, and the files directly inside the folders named, sorted."""
    found = []
    for path in map(Path, paths):
        found.extend(sorted(item for item in path.iterdir() if item.is_file())
                     if path.is_dir() else [path])
    return found


def _import_one(path, outcome):
    from costapi.db import session
    from costapi.services.remittances import RejectedFile, decode, import_file

    try:
        remittance, created = import_file(decode(path.read_bytes()))
    except RejectedFile as failure:
        session.rollback()
        outcome["rejected"].append(f"{path}: {failure.errors['body'][0]}")
        return
    outcome["imported" if created else "duplicates"] += 1
    if created:
        outcome["claims"] += remittance.claim_count
        outcome["lines"] += remittance.line_count
        outcome["lines_matched"] += remittance.lines_matched


@remittances_cli.command("import")
@click.argument("paths", nargs=-1, required=True,
                type=click.Path(exists=True, readable=True))
def remittances_import(paths):
    """Import 835 files (or every file in the folders given), each in its own transaction.

    A file sent again (same sender and ISA13) is counted as a duplicate and not stored
    twice; a rejected file is named with the segment and position, never its contents.
    """
    files = _files(paths)
    outcome = {"imported": 0, "duplicates": 0, "rejected": [], "claims": 0, "lines": 0,
               "lines_matched": 0}
    if len(files) >= PROGRESS_FROM:
        with click.progressbar(files, label="importing", file=sys.stderr,
                               show_pos=True) as bar:
            for path in bar:
                _import_one(path, outcome)
    else:
        for path in files:
            _import_one(path, outcome)
    for line in outcome["rejected"]:
        click.echo(f"rejected {line}", err=True)
    click.echo(f"imported {outcome['imported']} of {len(files)} files "
               f"({outcome['duplicates']} already stored, {len(outcome['rejected'])} "
               f"rejected): {outcome['claims']} claims, {outcome['lines']} lines, "
               f"{outcome['lines_matched']} lines matched to estimates")
    if outcome["rejected"]:
        raise SystemExit(1)


def register_commands(app):
    for group in (db_cli, fixtures_cli, keys_cli, eligibility_cli, estimates_cli,
                  remittances_cli):
        app.cli.add_command(group)
    app.cli.add_command(audit_cli)
