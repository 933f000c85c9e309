"""Synced configuration documents, kept as JSON in the replica's key/value settings.

Admins configure SLAs and automation once and every replica must apply the same
configuration offline, so configuration travels like any other change: each edit is one
journaled mutation, written in the caller's transaction together with the new value.
No schema change is needed: a document lives in ``replica_settings`` under
``config.<name>`` as canonical JSON (sorted keys, compact), so equal documents are equal
text on every replica and their :func:`revision` agrees.

Two shapes:

* a **document**, replaced whole (``sla``: :meth:`sync.sla.SlaConfig.to_dict`):
  op ``config.<name>``, payload ``{"document": {...}, "base_revision": "<rev or ''>"}``;
* a **collection** of items keyed by id (``rules``, ``macros``, ``templates``, ``shifts``),
  edited one item at a time so two admins editing different rules never overwrite each
  other: op ``config.<name>``, payload ``{"action": "put", "id": ..., "item": {...},
  "base_revision": ...}`` or ``{"action": "delete", "id": ..., "base_revision": ...}``.

``base_revision`` is the revision the editor saw (for the server's conflict report).
:func:`apply_config_change` applies such a payload without journaling it: the sync engine
calls it for configuration changes pulled from the server. Callers validate documents
before writing them; this module only stores them.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from sync.errors import ValidationError
from sync.replica.models import ReplicaSetting

__all__ = [
    "COLLECTIONS",
    "DOCUMENTS",
    "SLA_RECOMPUTE_KEY",
    "apply_config_change",
    "canonical_json",
    "delete_item",
    "parse_collection",
    "put_item",
    "read_collection",
    "read_document",
    "read_text",
    "revision",
    "write_document",
]

#: Whole documents and item collections this store knows (each is op ``config.<name>``).
DOCUMENTS = frozenset({"sla"})
COLLECTIONS = frozenset({"rules", "macros", "templates", "shifts"})

#: Setting that records an SLA bulk recompute still to do (see sync.services.sla_recompute):
#: written whenever the ``sla`` document changes, here or by a pull.
SLA_RECOMPUTE_KEY = "sla.recompute"


def _key(name: str) -> str:
    if name not in DOCUMENTS and name not in COLLECTIONS:
        raise ValueError(f"unknown configuration {name!r}")
    return f"config.{name}"


def canonical_json(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def read_text(session: Session, name: str) -> str | None:
    """The stored canonical JSON of ``name`` (None when never configured)."""
    row = session.get(ReplicaSetting, _key(name))
    return None if row is None else row.value


def revision(text: str | None) -> str:
    """A short content hash of a stored document ('' when absent): equal on every replica
    holding the same configuration, so markers can say which version a rule ran under."""
    if text is None:
        return ""
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def read_document(session: Session, name: str) -> Any | None:
    text = read_text(session, name)
    return None if text is None else json.loads(text)


def read_collection(session: Session, name: str) -> dict[str, dict[str, Any]]:
    """Items of a collection by id (empty when never configured)."""
    if name not in COLLECTIONS:
        raise ValueError(f"{name!r} is not a configuration collection")
    return parse_collection(read_text(session, name))


def parse_collection(text: str | None) -> dict[str, dict[str, Any]]:
    """The items of a stored collection's text (empty for None or a malformed document)."""
    if text is None:
        return {}
    data = json.loads(text)
    if not isinstance(data, dict):
        return {}
    return {str(key): value for key, value in data.items() if isinstance(value, dict)}


def write_document(session: Session, name: str, document: Any, *, actor_id: str | None, now: datetime) -> str:
    """Replace a whole document and journal it; returns the new revision."""
    if name not in DOCUMENTS:
        raise ValueError(f"{name!r} is not a whole configuration document")
    base = revision(read_text(session, name))
    text = _store(session, name, document)
    _journal(
        session,
        op=f"config.{name}",
        entity_type="config",
        entity_id=name,
        payload={"document": json.loads(text), "base_revision": base},
        device_time=now,
        actor_id=actor_id,
    )
    return revision(text)


def put_item(
    session: Session,
    name: str,
    item_id: str,
    item: dict[str, Any],
    *,
    actor_id: str | None,
    now: datetime,
) -> str:
    """Add or replace one item of a collection and journal it; returns the new revision."""
    items = read_collection(session, name)
    base = revision(read_text(session, name))
    items[item_id] = json.loads(canonical_json(item))
    text = _store(session, name, items)
    _journal(
        session,
        op=f"config.{name}",
        entity_type="config",
        entity_id=item_id,
        payload={"action": "put", "id": item_id, "item": items[item_id], "base_revision": base},
        device_time=now,
        actor_id=actor_id,
    )
    return revision(text)


def delete_item(session: Session, name: str, item_id: str, *, actor_id: str | None, now: datetime) -> str:
    """Remove one item of a collection and journal it; returns the new revision."""
    items = read_collection(session, name)
    base = revision(read_text(session, name))
    if items.pop(item_id, None) is None:
        raise ValidationError(f"There is no {name[:-1]} with id {item_id}.")
    text = _store(session, name, items)
    _journal(
        session,
        op=f"config.{name}",
        entity_type="config",
        entity_id=item_id,
        payload={"action": "delete", "id": item_id, "base_revision": base},
        device_time=now,
        actor_id=actor_id,
    )
    return revision(text)


def apply_config_change(session: Session, op: str, payload: dict[str, Any]) -> None:
    """Apply a ``config.*`` change that came from the server (not journaled again)."""
    name = op.removeprefix("config.")
    if name in DOCUMENTS:
        _store(session, name, payload["document"])
        return
    items = read_collection(session, name)
    if payload["action"] == "put":
        items[str(payload["id"])] = payload["item"]
    elif payload["action"] == "delete":
        items.pop(str(payload["id"]), None)
    else:
        raise ValueError(f"unknown configuration action {payload['action']!r}")
    _store(session, name, items)


def _journal(session: Session, **mutation: Any) -> None:
    """Journal a configuration change. The journal (and with it the protocol's pydantic
    models) is imported by writes only: reading a document, which every SLA computation does,
    stays cheap for a command that only reads (``outpost ticket list``, bench/bench_cli.py)."""
    from sync.services.journal import record_mutation

    record_mutation(session, **mutation)


def _store(session: Session, name: str, value: Any) -> str:
    text = canonical_json(value)
    _set(session, _key(name), text)
    if name == "sla":
        state = {"revision": revision(text), "cursor": "", "done": 0, "changed": 0}
        _set(session, SLA_RECOMPUTE_KEY, canonical_json(state))
    return text


def _set(session: Session, key: str, text: str) -> None:
    row = session.get(ReplicaSetting, key)
    if row is None:
        session.add(ReplicaSetting(key=key, value=text))
    else:
        row.value = text
