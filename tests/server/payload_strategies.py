"""Hypothesis strategies for op payloads, read from the wire models in ``sync.protocol.payloads``.

:func:`payloads` walks an op's model — field types, ``max_length``/``min_length``, ``ge``/``le``,
times, nested models — and draws a payload that is valid for the model, then (often) breaks
one field of it: a value of another type, one character over the limit, a time at the edge
of ``datetime``'s range, a deep nested object, an unknown key. Ids are drawn mostly from
``known_ids`` (records that exist), so many payloads reach the appliers and the database.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta, timezone
from typing import Annotated, Any, Union, get_args, get_origin

from annotated_types import Ge, Le, MaxLen, MinLen
from hypothesis import strategies as st
from pydantic import AfterValidator, AwareDatetime, BaseModel
from pydantic.fields import FieldInfo

from sync.protocol.payloads import check_time

__all__ = ["EDGE_TIMES", "payloads"]

EDGE_TIMES = (
    "9999-12-31T23:59:59-23:59",
    "0001-01-01T00:00:00+23:59",
    "9999-12-31T23:59:59.999999+00:00",
    "1969-12-31T23:59:59+00:00",
    "2026-03-02T09:00:00",  # no offset
)
_ODD_VALUES: tuple[Any, ...] = (None, 0, -1, 2**63, 10**30, 1.5, True, "", "x", [], ["x"], {}, {"id": "x"})


def _limits(metadata: list[Any]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for m in metadata:
        if isinstance(m, FieldInfo):
            out.update(_limits(list(m.metadata)))
        elif isinstance(m, MaxLen):
            out["max"] = m.max_length
        elif isinstance(m, MinLen):
            out["min"] = m.min_length
        elif isinstance(m, Ge):
            out["ge"] = m.ge
        elif isinstance(m, Le):
            out["le"] = m.le
        elif isinstance(m, AfterValidator) and m.func is check_time:
            out["time"] = True
    return out


def _split(annotation: Any, metadata: list[Any]) -> tuple[Any, dict[str, Any]]:
    """The bare type and its limits, from ``Annotated[...]`` and the field's metadata."""
    limits = _limits(metadata)
    while get_origin(annotation) is Annotated:
        annotation, *meta = get_args(annotation)
        limits.update(_limits(meta))
    return annotation, limits


def _times() -> st.SearchStrategy[str]:
    offsets = st.integers(-23 * 60 - 59, 23 * 60 + 59).map(lambda m: timezone(timedelta(minutes=m)))
    moments = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(8990, 1, 1), timezones=offsets)
    return moments.map(lambda d: d.isoformat())


def _valid(
    annotation: Any, metadata: list[Any], known_ids: list[str], depth: int = 0
) -> st.SearchStrategy[Any]:
    base, limits = _split(annotation, metadata)
    origin = get_origin(base)
    if origin is Union or str(origin) == "types.UnionType":
        return st.one_of(*(_valid(a, [], known_ids, depth) for a in get_args(base)))
    if base is type(None):
        return st.none()
    if isinstance(base, type) and issubclass(base, BaseModel):
        return _model(base, known_ids, depth + 1)
    if origin is list:
        (item,) = get_args(base)
        return st.lists(_valid(item, [], known_ids, depth), max_size=min(limits.get("max", 5), 5))
    if origin is dict:
        return st.dictionaries(
            st.text(max_size=10), st.one_of(st.text(max_size=10), st.integers()), max_size=3
        )
    if base is bool:
        return st.booleans()
    if base is int:
        return st.integers(limits.get("ge", -(2**40)), limits.get("le", 2**40))
    if base is AwareDatetime or base is datetime or limits.get("time"):
        return _times()
    if base is str:
        if limits.get("max") == 36 and limits.get("min") == 1:  # an id
            return st.one_of(st.sampled_from(known_ids), st.builds(lambda: str(uuid.uuid4())))
        top = limits.get("max", 100)
        low = limits.get("min", 0)
        return st.one_of(
            st.text(min_size=low, max_size=min(top, 30)),
            st.sampled_from(
                [
                    "incident",
                    "open",
                    "resolved",
                    "closed",
                    "note",
                    "reply",
                    "related",
                    "draft",
                    "published",
                    "requester",
                    "how-to",
                ]
            ).filter(lambda s: low <= len(s) <= top),
            st.just("w" * top),  # exactly at the limit
        )
    return st.none()


def _model(model: type[BaseModel], known_ids: list[str], depth: int = 0) -> st.SearchStrategy[dict[str, Any]]:
    required = {}
    optional = {}
    for name, info in model.model_fields.items():
        strategy = _valid(info.annotation, list(info.metadata), known_ids, depth)
        (required if info.is_required() else optional)[name] = strategy
    return st.fixed_dictionaries(required, optional=optional)


def _broken(annotation: Any, metadata: list[Any], known_ids: list[str]) -> st.SearchStrategy[Any]:
    """A value of another type or size than the field takes (it may still be a valid one)."""
    _base, limits = _split(annotation, metadata)
    real = st.sampled_from(known_ids)
    options: list[st.SearchStrategy[Any]] = [
        st.sampled_from(_ODD_VALUES),
        real.map(lambda i: [i]),  # a real record's id, wrapped: the server once crashed on these
        real.map(lambda i: {"id": i}),
        st.sampled_from(EDGE_TIMES),
        st.recursive(
            st.text(max_size=3),
            lambda inner: (
                st.lists(inner, max_size=2) | st.dictionaries(st.text(max_size=3), inner, max_size=2)
            ),
            max_leaves=8,
        ),
    ]
    if "max" in limits:
        options.append(st.just("o" * (limits["max"] + 1)))
        if limits["max"] <= 1_000:
            options.append(st.just(["o"] * (limits["max"] + 1)))
    if "le" in limits:
        options.append(st.just(limits["le"] + 1))
    if "ge" in limits:
        options.append(st.just(limits["ge"] - 1))
    return st.one_of(*options)


@st.composite
def payloads(draw: st.DrawFn, model: type[BaseModel], known_ids: list[str]) -> dict[str, Any]:
    """A payload for ``model``: valid, or with one field (at any depth) broken."""
    payload = draw(_model(model, known_ids))
    if draw(st.booleans()):
        return payload
    target, owner = payload, model
    while True:  # walk down into nested models now and then
        name = draw(st.sampled_from(sorted(owner.model_fields)))
        info = owner.model_fields[name]
        inner = info.annotation
        nested = isinstance(inner, type) and issubclass(inner, BaseModel)
        if nested and isinstance(target.get(name), dict) and draw(st.booleans()):
            target, owner = target[name], inner
            continue
        break
    if draw(st.integers(0, 9)) == 0:
        target[f"unknown_{name}"] = 1
    else:
        target[name] = draw(_broken(info.annotation, list(info.metadata), known_ids))
    return payload
