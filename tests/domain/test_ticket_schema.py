"""Every hand-typed declaration of a ticket's fields agrees with the one schema.

Python's static typing needs some attributes written out (the ORM models' ``Mapped``
annotations, the pydantic payloads, the detail view); these tests make a field missing from
one of them a failure here instead of a field that silently does not sync.
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Any

import pytest
from annotated_types import MaxLen

from sync.demo.bulk_insert import COLUMNS
from sync.domain.ticket_schema import (
    CHANGES_FIELDS,
    SCALAR_FIELDS,
    TICKET_FIELDS,
    FieldKind,
    ticket_field,
)
from sync.engine.wire_rows import SPECS
from sync.protocol import TicketRecord
from sync.protocol.payloads import NewTicketFields, TicketChanges
from sync.replica import models as replica_models
from sync.server.db import models as server_models
from sync.server.pull.pull_records import _COLUMNS as PULL_COLUMNS
from sync.services.ticket_views import TicketDetail

SCALARS = set(SCALAR_FIELDS)
ALL = {f.name for f in TICKET_FIELDS}


def _max_length(model: Any, name: str) -> int | None:
    for meta in model.model_fields[name].metadata:
        if isinstance(meta, MaxLen):
            return int(meta.max_length)
    return None


@pytest.mark.parametrize("model", [replica_models.Ticket, server_models.Ticket], ids=["replica", "server"])
def test_both_databases_have_a_column_per_field_with_its_size_and_nullability(model: Any) -> None:
    columns = model.__table__.columns
    assert set(columns.keys()) >= SCALARS
    for name in SCALAR_FIELDS:
        f, col = ticket_field(name), columns[name]
        assert col.nullable == f.nullable, name
        if f.max_length is not None and f.kind is not FieldKind.ID:
            assert col.type.length == f.max_length, name


def test_the_wire_the_payloads_and_the_views_carry_every_field() -> None:
    assert set(SPECS["tickets"].names) - {"version"} == SCALARS
    assert set(NewTicketFields.model_fields) - {"local_number"} == ALL
    assert set(TicketRecord.model_fields) - {"version", "local_number", "origin_client_id"} == ALL
    assert set(TicketChanges.model_fields) == CHANGES_FIELDS
    assert {f.name for f in dataclass_fields(TicketDetail)} >= {f.name for f in TICKET_FIELDS if f.in_json}
    assert set(COLUMNS["tickets"]) >= SCALARS
    assert {c.key for c in PULL_COLUMNS["tickets"]} >= SCALARS


@pytest.mark.parametrize("model", [NewTicketFields, TicketChanges])
def test_the_payloads_bound_text_as_the_schema_does(model: Any) -> None:
    for f in TICKET_FIELDS:
        if f.name in model.model_fields and f.kind in (FieldKind.TEXT, FieldKind.CODE):
            assert _max_length(model, f.name) == f.max_length, f.name
