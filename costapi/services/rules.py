"""Rule data kept with its history: create, read, list, replace and soft delete by code."""
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from costapi.db import session
from costapi.models.versioned import utcnow
from costapi.services import rule_cache
from costapi.services.errors import Conflict, Invalid, NotFound, PreconditionFailed

BOOKKEEPING = {"id", "version", "created_at", "superseded_at", "deleted_at", "written_by_key_id"}


def writer_key_id():
    """The id of the API key of the request being served (None: the CLI, fixtures)."""
    from flask import g, has_request_context

    key = g.get("api_key") if has_request_context() else None
    return key.id if key is not None else None


def live_rows(model, codes):
    """The live (current, not deleted) rows of `model` with these codes, by code: one query."""
    if not codes:
        return {}
    rows = session.scalars(select(model).where(
        model.code.in_(set(codes)), model.superseded_at.is_(None), model.deleted_at.is_(None)))
    return {row.code: row for row in rows}


class RuleStore:
    """Versioned rows of one rule resource. A change supersedes the current row and adds one.

    Writers name the version they read; the UPDATE that supersedes the current row carries
    it, so of two writers holding one version exactly one wins. Hooks run inside the same
    transaction: `check(data)` before anything is written (raise to refuse), `after(row, data)`
    after the new row is added (payers write their rates and policies there).
    """

    def __init__(self, model, label, check=None, after=None, check_delete=None):
        self.model = model
        self.label = label
        self.check = check
        self.after = after
        self.check_delete = check_delete
        self.columns = {c.key for c in model.__table__.columns} - BOOKKEEPING

    def current(self, code):
        """The current row of a code, deleted or not."""
        model = self.model
        return session.scalar(
            select(model).where(model.code == code, model.superseded_at.is_(None))
        )

    def get(self, code):
        row = self.current(code)
        if row is None or row.deleted_at is not None:
            raise NotFound(f"No {self.label} with code {code!r}.")
        return row

    def live(self):
        model = self.model
        return select(model).where(model.superseded_at.is_(None), model.deleted_at.is_(None))

    def count(self):
        return session.scalar(select(func.count()).select_from(self.live().subquery()))

    def page(self, first, size):
        query = self.live().order_by(self.model.code).offset(first).limit(size)
        return session.scalars(query).all()

    def create(self, data):
        existing = self.current(data["code"])
        if existing is not None and existing.deleted_at is None:
            raise Conflict(f"A {self.label} with code {data['code']!r} exists.")
        self._check(data)
        version = 1
        if existing is not None:
            self._supersede(existing, existing.version)
            version = existing.version + 1
        return self._save(data, version)

    def replace(self, code, data, expected_version):
        if data["code"] != code:
            raise Invalid.at("code", "Must equal the code in the path.")
        row = self.get(code)
        self._check(data)
        self._supersede(row, expected_version)
        return self._save(data, row.version + 1)

    def delete(self, code, expected_version):
        row = self.get(code)
        if self.check_delete:
            self.check_delete(row)
        self._supersede(row, expected_version)
        data = {key: getattr(row, key) for key in self.columns}
        return self._save(data, row.version + 1, deleted_at=utcnow(), run_after=False)

    def _check(self, data):
        if self.check:
            self.check(data)

    def _supersede(self, row, expected_version):
        model = self.model
        result = session.execute(
            update(model)
            .where(model.id == row.id, model.version == expected_version,
                   model.superseded_at.is_(None))
            .values(superseded_at=utcnow())
            .execution_options(synchronize_session=False)
        )
        if result.rowcount != 1:
            session.rollback()
            raise PreconditionFailed(
                f"The {self.label} {row.code!r} was changed by someone else: GET it again and "
                "retry with its current ETag in If-Match."
            )

    def _save(self, data, version, deleted_at=None, run_after=True):
        values = {key: value for key, value in data.items() if key in self.columns}
        row = self.model(**values, version=version, created_at=utcnow(), deleted_at=deleted_at,
                         written_by_key_id=writer_key_id())
        session.add(row)
        try:
            session.flush()
            if run_after and self.after:
                self.after(row, data)
            rule_cache.changed()
            session.commit()
        except IntegrityError:
            session.rollback()
            raise Conflict(f"The {self.label} {data['code']!r} was written concurrently.") from None
        return row
