"""Every hand-typed declaration of an asset's or a location's fields agrees with their schema.

Static typing needs some attributes written out (the ORM models' ``Mapped`` annotations, the
pydantic payloads and pull records, the views ``--json`` prints); these tests make a field
missing from one of them, or a size that differs, a failure here instead of a field that
silently does not sync or a value one database stores and the other refuses.
"""

from __future__ import annotations

from dataclasses import fields as dataclass_fields
from typing import Any, get_args

import pytest
from annotated_types import MaxLen

from sync.assets.csv_columns import FIELDS as CSV_FIELDS
from sync.assets.csv_columns import SYNONYMS
from sync.demo.demo_assets import _COLUMNS as DEMO_COLUMNS
from sync.domain.asset_schema import (
    ASSET_DEFAULTS,
    ASSET_FIELDS,
    ASSET_SCHEMA,
    LOCATION_DEFAULTS,
    LOCATION_FIELDS,
    LOCATION_SCHEMA,
)
from sync.domain.assets import clean_asset_fields, clean_location_fields
from sync.domain.record_schema import FieldKind, RecordField
from sync.engine.wire_rows import SPECS
from sync.errors import ValidationError
from sync.protocol import AssetRecord, LocationRecord
from sync.protocol.payloads import AssetChanges, AssetFields, LocationChanges, LocationFields
from sync.replica import asset_models as replica_models
from sync.server.db import asset_models as server_models
from sync.server.pull.pull_records import _COLUMNS as PULL_COLUMNS
from sync.services.asset_queries import AssetDetail, LocationDetail

SCHEMAS = {"assets": ASSET_SCHEMA, "locations": LOCATION_SCHEMA}
MODELS = [
    (replica_models.Asset, ASSET_SCHEMA),
    (replica_models.Location, LOCATION_SCHEMA),
    (server_models.Asset, ASSET_SCHEMA),
    (server_models.Location, LOCATION_SCHEMA),
]


def _names(schema: tuple[RecordField, ...]) -> list[str]:
    return [f.name for f in schema]


def _max_length(model: Any, name: str) -> int | None:
    """The ``max_length`` pydantic enforces on ``name`` (also inside ``Annotated[...] | None``)."""
    info = model.model_fields[name]
    metadata = list(info.metadata)
    for arg in get_args(info.annotation):  # an optional field keeps its bound on the inner type
        for meta in getattr(arg, "__metadata__", ()):
            metadata.extend(getattr(meta, "metadata", [meta]))
    for meta in metadata:
        if isinstance(meta, MaxLen):
            return int(meta.max_length)
    return None


@pytest.mark.parametrize(
    ("model", "schema"), MODELS, ids=["replica-asset", "replica-location", "server-asset", "server-location"]
)
def test_both_databases_have_a_column_per_field_with_its_size_default_and_no_foreign_key(
    model: Any, schema: tuple[RecordField, ...]
) -> None:
    columns = model.__table__.columns
    assert [c.name for c in columns if c.name != "version"] == _names(schema)
    for f in schema:
        col = columns[f.name]
        assert col.nullable == f.nullable, f.name
        assert (col.default.arg if col.default is not None else None) == f.default, f.name
        assert bool(col.unique) == f.unique, f.name
        assert not col.foreign_keys, f.name  # references are checked by the code, not the database
        if f.kind is FieldKind.LONG_TEXT or f.kind is FieldKind.TIME:
            assert getattr(col.type, "length", None) is None, f.name
        else:
            assert col.type.length == f.max_length, f.name


@pytest.mark.parametrize("family", ["assets", "locations"])
def test_the_wire_the_pull_and_the_demo_carry_every_field_in_order(family: str) -> None:
    names = _names(SCHEMAS[family])
    assert list(SPECS[family].names) == [*names, "version"]
    assert [c.key for c in PULL_COLUMNS[family]] == names
    assert list(DEMO_COLUMNS[family]) == [*names, "version"]


@pytest.mark.parametrize(
    ("schema", "record", "new", "changes"),
    [
        (ASSET_SCHEMA, AssetRecord, AssetFields, AssetChanges),
        (LOCATION_SCHEMA, LocationRecord, LocationFields, LocationChanges),
    ],
    ids=["asset", "location"],
)
def test_the_payloads_and_records_carry_every_field_and_bound_text_as_the_schema_does(
    schema: tuple[RecordField, ...], record: Any, new: Any, changes: Any
) -> None:
    names = set(_names(schema))
    assert set(record.model_fields) - {"version"} == names
    assert set(new.model_fields) == names - {"updated_at"}  # a new record's update time is its creation
    assert set(changes.model_fields) == {f.name for f in schema if f.in_changes}
    for model in (new, changes):
        for f in schema:
            if f.name not in model.model_fields:
                continue
            bound = _max_length(model, f.name)
            if f.kind in (FieldKind.TEXT, FieldKind.LONG_TEXT, FieldKind.ID):
                assert bound == f.max_length, (model.__name__, f.name)
            elif f.kind is FieldKind.CODE and f.choices is not None:
                # The wire may be looser; the rules name the allowed values. It must not be tighter.
                assert bound is not None and bound >= max(len(c) for c in f.choices), f.name


def test_the_json_views_show_every_field_the_schema_puts_in_json() -> None:
    assert {f.name for f in dataclass_fields(AssetDetail)} >= {f.name for f in ASSET_SCHEMA if f.in_json}
    shown = {f.name for f in dataclass_fields(LocationDetail)}
    assert shown >= {f.name for f in LOCATION_SCHEMA if f.in_json}


def test_the_csv_import_fills_every_editable_field_and_knows_a_header_for_each() -> None:
    by_name = {"location_id": "location", "assigned_to_id": "assigned_to"}
    assert {by_name.get(name, name) for name in ASSET_FIELDS} <= set(CSV_FIELDS)
    assert set(SYNONYMS) == set(CSV_FIELDS)  # a field without listed headers is found by its name


def test_the_editable_fields_and_defaults_are_the_ones_people_set() -> None:
    assert ASSET_FIELDS == (
        "tag", "name", "type", "manufacturer", "model", "serial", "status", "location_id",
        "assigned_to_id", "purchase_date", "warranty_end", "notes",
    )  # fmt: skip
    assert LOCATION_FIELDS == ("parent_id", "name", "kind", "address", "notes")
    assert set(ASSET_DEFAULTS) == set(ASSET_FIELDS) - {"tag", "name"}
    assert set(LOCATION_DEFAULTS) == set(LOCATION_FIELDS) - {"name"}
    assert ASSET_DEFAULTS["status"] == "in_use"


@pytest.mark.parametrize(
    ("clean", "schema"),
    [(clean_asset_fields, ASSET_SCHEMA), (clean_location_fields, LOCATION_SCHEMA)],
    ids=["asset", "location"],
)
def test_validation_refuses_text_one_character_over_the_schema_size(clean: Any, schema: Any) -> None:
    for f in schema:
        if f.kind not in (FieldKind.TEXT, FieldKind.LONG_TEXT) or not f.in_changes:
            continue
        assert clean({f.name: "x" * f.max_length})[f.name] == "x" * f.max_length
        with pytest.raises(ValidationError, match=f"The {f.name} is longer than {f.max_length} characters."):
            clean({f.name: "x" * (f.max_length + 1)})
