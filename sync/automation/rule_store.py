"""The automation rules of the replica: loading them for the engine, and admins' CRUD.

Rules are items of the ``rules`` configuration collection
(:mod:`sync.services.config_documents`): every save or delete is one journaled
``config.rules`` mutation, so rules reach every replica and the server. Only admins may
change them. Saving validates the rule (:class:`~sync.automation.rule_model.Rule`) and
its references (queues, agents) against this replica's directory and refuses unknown
placeholders in notes and notifications, so a rule that saves also runs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy.orm import Session

from sync.automation.placeholders import check_template
from sync.automation.rule_model import NOTIFY_GROUPS, ActionKind, EventKind, Rule
from sync.errors import NotFoundError, ValidationError
from sync.ids import new_id
from sync.replica.models import Person, Queue
from sync.replica.replica import Replica
from sync.services import config_documents
from sync.services.changes import ChangeSet, WriteResult
from sync.services.ticket_state import acting_user, require_role

__all__ = ["RuleSet", "RuleStore", "load_rules"]

_COLLECTION = "rules"


@dataclass(frozen=True)
class RuleSet:
    """The enabled rules in evaluation order (position, name, id), and the configuration
    revision they come from (carried in every rule marker)."""

    rules: tuple[Rule, ...]
    revision: str

    def for_event(self, kind: EventKind) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.event is kind)

    def has_event(self, *kinds: EventKind) -> bool:
        return any(rule.event in kinds for rule in self.rules)


@lru_cache(maxsize=8)
def _parse(text: str) -> RuleSet:
    items = config_documents.parse_collection(text)
    rules = []
    for data in items.values():
        try:
            rule = Rule.from_dict(data)
        except ValueError:
            continue  # a rule this build cannot read (newer fields) is skipped, never fatal
        if rule.enabled:
            rules.append(rule)
    rules.sort(key=lambda rule: (rule.position, rule.name.casefold(), rule.id))
    return RuleSet(tuple(rules), config_documents.revision(text))


def load_rules(session: Session) -> RuleSet:
    """The enabled rules of the replica (parsed once per distinct document)."""
    text = config_documents.read_text(session, _COLLECTION)
    return RuleSet((), "") if text is None else _parse(text)


class RuleStore:
    """CRUD for rules; each method is one unit of work (database thread)."""

    def __init__(self, replica: Replica) -> None:
        self.replica = replica

    def list(self) -> list[Rule]:
        """Every rule, enabled or not, in evaluation order."""
        with self.replica.read() as s:
            items = config_documents.read_collection(s, _COLLECTION)
        rules = [Rule.from_dict(data) for data in items.values()]
        return sorted(rules, key=lambda rule: (rule.position, rule.name.casefold(), rule.id))

    def get(self, ref: str) -> Rule:
        """A rule by id or (case-insensitive) name."""
        for rule in self.list():
            if rule.id == ref or rule.name.casefold() == ref.strip().casefold():
                return rule
        raise NotFoundError(f"No rule {ref!r}.")

    def save(self, rule: Rule | Mapping[str, Any]) -> WriteResult:
        """Add or replace a rule (admins only). A mapping without an ``id`` gets a new one."""
        if not isinstance(rule, Rule):
            data = dict(rule)
            data.setdefault("id", new_id())
            try:
                rule = Rule.from_dict(data)
            except ValueError as exc:
                raise ValidationError(f"The rule is invalid: {exc}") from None
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            require_role(s, actor, {"admin"}, "change automation rules")
            _check_references(s, rule)
            for other in config_documents.read_collection(s, _COLLECTION).values():
                if (
                    other.get("id") != rule.id
                    and str(other.get("name", "")).casefold() == rule.name.casefold()
                ):
                    raise ValidationError(f"Another rule is already called {rule.name!r}.")
            config_documents.put_item(s, _COLLECTION, rule.id, rule.to_dict(), actor_id=actor, now=now)
        return WriteResult(rule.id, ChangeSet(journal=True))

    def set_enabled(self, ref: str, enabled: bool) -> WriteResult:
        rule = self.get(ref)
        data = rule.to_dict()
        data["enabled"] = enabled
        return self.save(Rule.from_dict(data))

    def delete(self, ref: str) -> WriteResult:
        rule = self.get(ref)
        now = self.replica.clock()
        with self.replica.write() as s:
            actor = acting_user(self.replica, s)
            require_role(s, actor, {"admin"}, "change automation rules")
            config_documents.delete_item(s, _COLLECTION, rule.id, actor_id=actor, now=now)
        return WriteResult(rule.id, ChangeSet(journal=True))


def _check_references(s: Session, rule: Rule) -> None:
    for action in rule.actions:
        try:
            if action.kind in (ActionKind.ADD_NOTE, ActionKind.NOTIFY):
                check_template(str(action.value))
        except ValueError as exc:
            raise ValidationError(f"Rule {rule.name!r}: {exc}") from None
        if action.kind is ActionKind.ASSIGN_QUEUE and s.get(Queue, str(action.value)) is None:
            raise ValidationError(
                f"Rule {rule.name!r} assigns to a queue that does not exist ({action.value})."
            )
        person_id = action.value if action.kind is ActionKind.ASSIGN_AGENT else None
        if action.kind is ActionKind.NOTIFY and action.to not in NOTIFY_GROUPS:
            person_id = action.to
        if person_id is not None:
            person = s.get(Person, str(person_id))
            if person is None or person.role == "requester":
                raise ValidationError(f"Rule {rule.name!r} names someone who is not an agent ({person_id}).")
