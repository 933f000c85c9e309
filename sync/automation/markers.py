"""How a rule firing is identified, in the replica and on the wire.

* :func:`execution_id` — ``sha256(rule id, event id)``: the same rule for the same event has
  the same id on every replica and on the server, so whoever records it first wins and
  the others skip it.
* :func:`action_mutation_id` — the journal id of the n-th mutation a firing writes is derived
  from its execution id (a UUID with version-4 bits). A replayed or repeated firing writes
  the same ids, and a server that ran the rule itself (a time event while the device was
  offline) recognises the device's copy by id alone — without any payload change.
* The **marker** ``payload["automation"] = {"evaluated", "rules_revision", "rule_id",
  "rule_name", "event_id", "execution_id", "executions"}`` goes into a payload only where
  the wire contract allows it (:func:`marker_fits`): the ops this package introduced
  (``config.*``, ``ticket.notify``, ``ticket.checklist``) carry it from the start; the v1
  ticket ops get it once :data:`sync.protocol.PAYLOAD_VERSIONS` declares version
  :data:`AUTOMATION_PAYLOAD_VERSION` for them. (Version-1 servers validate payloads
  strictly and refuse unknown keys, and the engine reverts a refused update locally, so
  sending the marker early would undo the person's own change.)
"""

from __future__ import annotations

import hashlib
import uuid

from sync import protocol

__all__ = ["AUTOMATION_PAYLOAD_VERSION", "action_mutation_id", "execution_id", "marker_fits"]

#: The payload version of the v1 ticket ops that adds the optional ``automation`` marker.
AUTOMATION_PAYLOAD_VERSION = 2


def execution_id(rule_id: str, event_id: str) -> str:
    """The deterministic id of one rule firing for one event (32 hex characters)."""
    return hashlib.sha256(f"{rule_id}\n{event_id}".encode()).hexdigest()[:32]


def action_mutation_id(execution: str, index: int) -> str:
    """The journal id of the ``index``-th mutation written by the firing ``execution``."""
    digest = hashlib.sha256(f"{execution}:{index}".encode()).digest()
    return str(uuid.UUID(bytes=digest[:16], version=4))


def marker_fits(op: str) -> bool:
    """Whether ``op``'s payload may carry the automation marker (see the module docstring)."""
    return protocol.PAYLOAD_VERSIONS.get(op, AUTOMATION_PAYLOAD_VERSION) >= AUTOMATION_PAYLOAD_VERSION
