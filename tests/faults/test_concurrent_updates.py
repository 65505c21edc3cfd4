"""Two admins replace one payer with the same ETag at the same moment: one wins, one gets 412.

Two threads, each with its own connection and a real transaction, on a scratch database.
PostgreSQL: both are held at the UPDATE that supersedes the current row until both have
reached it (both have passed the If-Match check), so the version in the UPDATE decides.
SQLite: a writing request takes the write lock when its transaction begins (costapi/db.py),
so both are held just before it; the second then reads the winner's version and gets 412.
"""
import threading
from decimal import Decimal

import pytest
from sqlalchemy import event, func, select
from sqlalchemy.orm import Session

from costapi.models import Payer, Rate
from tests.faults.conftest import app_on, bearer, is_postgres

pytestmark = pytest.mark.no_db_transaction
ROUNDS = 3


def _replace(client, admin, etag, body, results, index):
    response = client.put("/api/v1/payers/acme-ppo", json=body,
                          headers={**admin, "If-Match": etag})
    results[index] = response


def test_two_admins_with_the_same_etag_exactly_one_wins(scratch):
    url, keys = scratch
    admin = bearer(keys["admin"])
    with app_on(url) as (app, engine):
        client = app.test_client()
        arrived = threading.Barrier(2, timeout=5)
        both_held = []

        def hold(*_args):
            try:
                arrived.wait()
                both_held.append(True)
            except threading.BrokenBarrierError:
                pass

        def hold_at_the_update(_conn, _cursor, statement, *_args):
            if statement.startswith("UPDATE payers"):
                hold()

        def hold_before_begin(*_args):
            me = threading.get_ident()
            if racing.is_set() and me not in held:  # each request's first connection only
                held.add(me)
                hold()

        racing, held = threading.Event(), set()
        if is_postgres(url):
            event.listen(engine, "before_cursor_execute", hold_at_the_update)
        else:
            event.listen(engine, "checkout", hold_before_begin)  # before BEGIN IMMEDIATE
        try:
            for round_ in range(ROUNDS):
                first = client.get("/api/v1/payers/acme-ppo", headers=admin)
                etag, payer = first.headers["ETag"], first.json
                bodies = [{**payer, "name": f"Acme by admin {who} round {round_}",
                           "rates": [{**rate, "allowed": f"{9000 + 10 * round_ + who}.37"}
                                     for rate in payer["rates"]]}
                          for who in (0, 1)]
                results = [None, None]
                arrived.reset()
                threads = [threading.Thread(target=_replace, args=(
                    app.test_client(), admin, etag, bodies[who], results, who))
                    for who in (0, 1)]
                held.clear()
                racing.set()
                for thread in threads:
                    thread.start()
                for thread in threads:
                    thread.join(30)
                racing.clear()
                statuses = sorted(response.status_code for response in results)
                assert statuses == [200, 412], [(r.status_code, r.json) for r in results]
                loser = next(r for r in results if r.status_code == 412)
                assert loser.is_json and loser.json["code"] == 412
                winner = results.index(next(r for r in results if r.status_code == 200))

                now = client.get("/api/v1/payers/acme-ppo", headers=admin)
                assert now.json["name"] == bodies[winner]["name"]
                assert {r["allowed"] for r in now.json["rates"]} == {
                    r["allowed"] for r in bodies[winner]["rates"]}
                assert now.json["policies"] == payer["policies"]  # kept, ids and all
                assert now.headers["ETag"] == results[winner].headers["ETag"] != etag
                with Session(engine) as session:  # the loser left no row anywhere
                    loser_amount = bodies[1 - winner]["rates"][0]["allowed"]
                    assert not session.scalars(select(Rate).where(
                        Rate.allowed == Decimal(loser_amount))).all()
                    assert not session.scalars(select(Payer).where(
                        Payer.name == bodies[1 - winner]["name"])).all()
        finally:
            if is_postgres(url):
                event.remove(engine, "before_cursor_execute", hold_at_the_update)
            else:
                event.remove(engine, "checkout", hold_before_begin)
        assert len(both_held) == 2 * ROUNDS  # every round raced at the UPDATE

        with Session(engine) as session:  # history: every version kept, one current
            versions = session.scalars(select(Payer).where(Payer.code == "acme-ppo")
                                       .order_by(Payer.version)).all()
            assert [row.version for row in versions] == list(range(1, ROUNDS + 2))
            assert [row.superseded_at is None for row in versions] == [False] * ROUNDS + [True]
            assert session.scalar(select(func.count()).select_from(Rate).where(
                Rate.superseded_at.is_(None), Rate.payer_code == "acme-ppo")) == len(
                payer["rates"])
