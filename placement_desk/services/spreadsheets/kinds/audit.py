"""The audit trail (export only)."""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ....models import AuditEvent
from ....models.enums import AuditAction
from ..values import Field

AUDIT_FIELDS = (
    Field("at", "When", "datetime"), Field("user", "Who"),
    Field("action", "What", "code", codes=AuditAction), Field("entity", "Record"),
    Field("entity_id", "Record id"), Field("changes", "Changes"),
)


def _read_audit(session: Session, ids: frozenset[uuid.UUID] | None
                ) -> Iterator[dict[str, Any]]:
    query = select(AuditEvent).order_by(AuditEvent.id)
    if ids is not None:
        query = query.where(AuditEvent.entity_id.in_(ids))
    for e in session.execute(query.execution_options(yield_per=2000)).scalars():
        after = e.after or {}
        before = e.before or {}
        keys = sorted(set(after) | set(before))
        yield {"at": e.at, "user": e.user, "action": e.action, "entity": e.entity,
               "entity_id": str(e.entity_id),
               "changes": "; ".join(f"{k}: {before.get(k)!r} → {after.get(k)!r}"
                                    for k in keys)}
