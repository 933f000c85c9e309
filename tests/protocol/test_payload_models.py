"""The payload models: one per op, documented, and refusing times that cannot become UTC."""

from __future__ import annotations

from pathlib import Path

import pydantic
import pytest

from sync import protocol
from sync.protocol.ops import Op
from sync.protocol.payloads import PAYLOAD_MODELS, NewTicketFields, TicketChanges, payload_reference

DOC = Path(__file__).resolve().parents[2] / "docs" / "sync-protocol.md"


def test_every_op_has_a_model_and_a_payload_version() -> None:
    assert set(PAYLOAD_MODELS) == set(Op) == set(protocol.PAYLOAD_VERSIONS)
    assert Op.TICKET_CREATE == "ticket.create"  # the wire string, unchanged


def test_the_protocol_doc_lists_every_field_with_its_limits() -> None:
    text = DOC.read_text(encoding="utf-8")
    start = text.index("<!-- payload-reference:start -->\n") + len("<!-- payload-reference:start -->\n")
    end = text.index("<!-- payload-reference:end -->")
    assert text[start:end] == payload_reference(), "regenerate the table with payload_reference()"


def test_update_fields_are_the_fields_of_create() -> None:
    def described(model: type[pydantic.BaseModel], name: str) -> str:
        line = next(x for x in payload_reference().splitlines() if f"| `{model_path[model]}{name}` |" in x)
        return line.split("|")[3].replace("; optional", "").replace(" or null", "").strip()

    model_path = {NewTicketFields: "ticket.", TicketChanges: "changes."}
    shared = set(TicketChanges.model_fields) & set(NewTicketFields.model_fields)
    assert len(shared) >= 18
    for name in shared:
        assert described(TicketChanges, name) == described(NewTicketFields, name), name


@pytest.mark.parametrize(
    "when",
    ["9999-12-31T23:59:59-23:59", "0001-01-01T00:00:00+23:59", "1969-12-31T23:59:59+00:00", "2026-03-02"],
)
def test_times_that_cannot_become_utc_or_are_out_of_range_are_refused(when: str) -> None:
    with pytest.raises(pydantic.ValidationError):
        TicketChanges.model_validate({"resolved_at": when})


def test_a_valid_time_is_kept_as_utc() -> None:
    changes = TicketChanges.model_validate({"resolved_at": "2026-03-02T09:00:00+02:00"})
    assert changes.present()["resolved_at"].isoformat() == "2026-03-02T07:00:00+00:00"
