"""The desk's SLA document on the server: where it is kept, how it arrives, how it is read.

Replicas keep the SLA configuration (calendars, policies, selection rules) as the synced
document ``sla`` (:mod:`sync.services.config_documents`): an admin saves it on a replica
(``outpost sla import``, the SLA settings), which journals it as the op ``config.sla``.
The server keeps the same canonical JSON in the server setting ``config.sla``, so the
business times of its reports are those of the replicas. It arrives two ways:

* **sync**: an admin's replica pushes ``config.sla`` (:func:`apply_config_sla`); the last
  document applied wins, as on the replicas; a non-admin's is refused;
* **adoption**: ``outpost-server import-replica`` stores the imported replica's document
  when the server has none yet (:func:`adopt_sla_document`), never replacing one.

A document is checked (:meth:`sync.sla.SlaConfig.from_dict`) before it is stored, so the
reports never meet a malformed one. Without a document the server counts business time in
the built-in 24/7 calendar in UTC, as a replica that never received one does.

Not done yet: the server does not send the document to other replicas (pulls carry records,
not configuration), so each replica still gets its SLA document from an admin's edit or
its own import.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any

from sqlalchemy.orm import Session

from sync.errors import PermissionDeniedError, ValidationError
from sync.protocol.payloads import ConfigSla
from sync.server.db.state_models import ServerSetting
from sync.server.push.apply_context import ApplyContext
from sync.sla import SlaConfig, default_sla_config

__all__ = [
    "SLA_SETTING",
    "adopt_sla_document",
    "apply_config_sla",
    "server_sla_config",
    "sla_revision",
    "store_sla_document",
]

SLA_SETTING = "config.sla"


def server_sla_config(session: Session) -> SlaConfig:
    """The stored SLA document, else the built-in one in UTC."""
    row = session.get(ServerSetting, SLA_SETTING)
    if row is None:
        return default_sla_config()
    return SlaConfig.from_dict(json.loads(row.value))


def sla_revision(session: Session) -> str:
    """The stored document's revision ('' when none): the first 16 hex digits of the SHA-256
    of its canonical JSON, as replicas compute it for the same document."""
    row = session.get(ServerSetting, SLA_SETTING)
    return "" if row is None else hashlib.sha256(row.value.encode()).hexdigest()[:16]


def store_sla_document(session: Session, document: Any) -> None:
    """Check ``document`` and store it as canonical JSON (ValidationError when malformed)."""
    if not isinstance(document, dict):
        raise ValidationError("The SLA document must be a JSON object.")
    try:
        SlaConfig.from_dict(document)
    except (ValueError, TypeError, KeyError, AttributeError) as exc:
        raise ValidationError(f"The SLA document is not valid: {exc}") from exc
    text = json.dumps(document, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
    row = session.get(ServerSetting, SLA_SETTING)
    if row is None:
        session.add(ServerSetting(key=SLA_SETTING, value=text))
    else:
        row.value = text


def apply_config_sla(ctx: ApplyContext, p: ConfigSla) -> None:
    """Push op ``config.sla``: an admin's replica replaced the desk's SLA document."""
    if not ctx.caller.is_admin:
        raise PermissionDeniedError("Only an admin can change the SLA configuration.")
    store_sla_document(ctx.session, p.document)


def adopt_sla_document(session: Session, text: str | None) -> bool:
    """Store an imported replica's document (its stored text) if the server has none;
    returns whether it was stored. A malformed one is skipped, never fatal to the import."""
    if text is None or session.get(ServerSetting, SLA_SETTING) is not None:
        return False
    try:
        store_sla_document(session, json.loads(text))
    except (ValidationError, ValueError):
        return False
    return True
