"""Recalculate stored estimates in bulk after a rule change: chunks, cached rules, bulk inserts.

What `POST /estimates/{id}/recalculate` does for one estimate, done for many: each stored
request is run again with today's rules and a new estimate is stored, linked to the old one
by `recalculated_from`. Only the newest estimate of each chain is taken; a run that
stopped half-way goes on where it stopped when run again with `created_before` set to its
start (what it stored is newer, what it recalculated is no longer newest). A chunk costs a
fixed number of statements (its requests, their eligibility checks, the generation token,
one bulk insert) and is committed whole or not at all.
"""
import uuid
from dataclasses import dataclass, field

from sqlalchemy import exists, insert, select
from sqlalchemy.orm import aliased

from costapi.db import session
from costapi.models import EligibilityCheck, Estimate
from costapi.models.versioned import utcnow
from costapi.services import estimates
from costapi.services.errors import Invalid

CHUNK_SIZE = 500


@dataclass
class Outcome:
    """How a run went: estimates selected, new estimates stored, old ids that failed."""

    selected: int = 0
    recalculated: int = 0
    failed: dict = field(default_factory=dict)  # old estimate id -> field errors


def new_row(request, raw, computed, recalculated_from=None, api_key_id=None):
    """The values of a stored estimate for a computed request (as `estimates.create` stores)."""
    patient = request.get("patient") or {}
    estimate_id, created_at = str(uuid.uuid4()), utcnow()
    reference = patient.get("reference")
    result = estimates.to_json(estimates.body(computed, estimate_id, created_at, reference,
                                              recalculated_from)).decode()
    return {"id": estimate_id, "created_at": created_at, "plan_code": request["plan"],
            "start_date": request["start_date"], "patient_reference": reference,
            "request": raw, "result": result, "rule_versions": computed.rules.versions(),
            "recalculated_from": recalculated_from, "api_key_id": api_key_id}


def store(rows):
    """Insert estimate rows in one bulk statement (no commit).

    `render_nulls`: without it the ORM leaves out None values and splits the rows into a
    statement per run of rows with the same missing keys (a patient reference or not).
    """
    if rows:
        session.execute(insert(Estimate), rows, execution_options={"render_nulls": True})


def latest(payer=None, plan=None, created_before=None):
    """Ids of the newest estimate of each chain (none was recalculated from it), oldest first."""
    successor = aliased(Estimate)
    query = select(Estimate.id).where(
        ~exists().where(successor.recalculated_from == Estimate.id))
    if created_before:
        query = query.where(Estimate.created_at < created_before)
    if plan:
        query = query.where(Estimate.plan_code == plan)
    if payer:
        query = query.where(Estimate.request[("coverage", "payer")].as_string() == payer)
    return session.scalars(query.order_by(Estimate.created_at, Estimate.id)).all()


def recalculate(load_request, payer=None, plan=None, created_before=None, chunk_size=CHUNK_SIZE,
                progress=None):
    """Recalculate the newest estimate of each chain (of a payer, of a plan) with today's rules.

    `load_request(raw) -> request` validates a stored request (the API's schema) and raises
    Invalid when it no longer fits.
    A request that no longer fits today's rules is left out and reported in
    `Outcome.failed`; any other error rolls back the chunk at hand and is raised (the
    chunks before it stay committed). `progress(outcome)` is called after each commit.
    """
    ids = latest(payer, plan, created_before)
    outcome = Outcome(selected=len(ids))
    for first in range(0, len(ids), chunk_size):
        try:
            _chunk(ids[first:first + chunk_size], load_request, outcome)
        except Exception:
            session.rollback()
            raise
        if progress:
            progress(outcome)
    return outcome


def _chunk(ids, load_request, outcome):
    session.info.pop("rule_snapshot", None)  # each chunk sees a rule change made meanwhile
    stored = session.execute(select(Estimate.id, Estimate.request)
                             .where(Estimate.id.in_(ids))).all()
    requests = dict(stored)
    checks = {raw["coverage"].get("eligibility_check") for raw in requests.values()} - {None}
    # Held here, so the identity map (weak references) keeps them for the estimates below.
    held = session.scalars(select(EligibilityCheck)
                           .where(EligibilityCheck.id.in_(checks))).all() if checks else []
    rows, failed = [], {}
    for old_id in ids:
        raw = requests[old_id]
        try:
            request = load_request(raw)
            computed = estimates.compute(request)
        except Invalid as error:
            failed[old_id] = error.errors
            continue
        rows.append(new_row(request, raw, computed, recalculated_from=old_id))
    store(rows)
    session.commit()
    del held
    outcome.recalculated += len(rows)
    outcome.failed.update(failed)
