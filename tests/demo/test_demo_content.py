"""The demo organisation's content: sizes, references between its parts, and template slots."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from string import Formatter

import pytest
from markdown_it import MarkdownIt

from sync.demo import content
from sync.demo.content import (
    AGENTS,
    ARTICLE_KINDS,
    ARTICLE_STATUSES,
    ARTICLES,
    LOCATIONS,
    ORGANISATION,
    QUEUES,
    REQUESTER_GROUPS,
    REQUESTERS,
    ROOM_KINDS,
    SAMPLE_SLOTS,
    SLOT_DESCRIPTIONS,
    SLOTS,
    TICKET_TEMPLATES,
    Article,
    TicketTemplate,
    location,
    template_slots,
)
from sync.domain.priority import priority_for
from sync.domain.ticket_type import Role, TicketType

CATEGORIES = {q.name: set(q.categories) for q in QUEUES}
ARTICLES_BY_SLUG = {a.slug: a for a in ARTICLES}
PHONE = re.compile(r"\b\d{3}-\d{4}\b")


def _all_template_texts() -> list[tuple[str, str]]:
    return [(t.key, text) for t in TICKET_TEMPLATES for text in t.texts]


# --- sizes -------------------------------------------------------------------------------------


def test_sizes_are_in_the_briefed_ranges() -> None:
    assert 12 <= len(AGENTS) <= 16
    assert 70 <= len(REQUESTERS) <= 90
    assert 55 <= len(TICKET_TEMPLATES) <= 65
    per_queue = Counter(t.queue for t in TICKET_TEMPLATES)
    assert 27 <= per_queue["IT"] <= 33
    assert 17 <= per_queue["Facilities"] <= 23
    assert 8 <= per_queue["HR"] <= 12
    assert len(ARTICLES) == 40
    assert [q.name for q in QUEUES] == ["IT", "Facilities", "HR"]


def test_everything_is_immutable() -> None:
    for value in (AGENTS, REQUESTERS, TICKET_TEMPLATES, ARTICLES, QUEUES, LOCATIONS, ORGANISATION.sites):
        assert isinstance(value, tuple)
    with pytest.raises(dataclasses.FrozenInstanceError):
        TICKET_TEMPLATES[0].subject = "changed"  # type: ignore[misc]
    with pytest.raises(dataclasses.FrozenInstanceError):
        ARTICLES[0].body = "changed"  # type: ignore[misc]
    with pytest.raises(TypeError):
        SAMPLE_SLOTS["room"] = "changed"  # type: ignore[index]


def test_content_module_reexports_its_parts() -> None:
    for name in content.__all__:
        assert getattr(content, name) is not None


# --- organisation and queues -------------------------------------------------------------------


def test_room_codes_are_unique_and_locations_resolve() -> None:
    codes = [loc.room.code for loc in LOCATIONS]
    assert len(codes) == len(set(codes))
    assert location("N2.14").label == "North Building, Room N2.14"
    assert location("NB.01").label == "North Building, Plant room B1"
    assert {loc.room.kind for loc in LOCATIONS} == ROOM_KINDS
    assert len(ORGANISATION.sites) >= 2
    with pytest.raises(KeyError):
        location("Z9.99")


def test_queues_have_the_briefed_categories() -> None:
    assert {"Hardware", "Software", "Network", "Accounts & access", "Printing", "Phones"} <= CATEGORIES["IT"]
    assert {
        "HVAC", "Electrical", "Plumbing", "Cleaning", "Security & access", "Rooms & moves", "Safety",
    } <= CATEGORIES["Facilities"]  # fmt: skip
    assert CATEGORIES["HR"] == {"Payroll", "Leave", "Policy", "Onboarding", "Benefits"}
    for queue in QUEUES:
        assert queue.description and queue.email.endswith(".example")
        assert len(set(queue.categories)) == len(queue.categories)


# --- people ------------------------------------------------------------------------------------


def test_usernames_are_lowercase_and_unique() -> None:
    usernames = [a.username for a in AGENTS]
    assert len(usernames) == len(set(usernames))
    assert all(re.fullmatch(r"[a-z][a-z0-9]+", u) for u in usernames)


def test_emails_are_unique_across_everyone_and_never_routable() -> None:
    emails = [a.email for a in AGENTS] + [r.email for r in REQUESTERS]
    assert len(emails) == len({e.lower() for e in emails})
    for email in emails:
        assert re.fullmatch(r"[a-z0-9.'-]+@[a-z0-9.-]+\.example", email), email


def test_every_role_and_tier_is_staffed() -> None:
    assert {a.role for a in AGENTS} == {Role.AGENT, Role.MANAGER, Role.ADMIN, Role.KNOWLEDGE_MANAGER}
    assert {a.tier for a in AGENTS} == {1, 2, 3}
    for agent in AGENTS:
        assert set(agent.queues) <= set(CATEGORIES), agent
        assert agent.queues and agent.title
    for queue in QUEUES:
        tiers = {a.tier for a in AGENTS if queue.name in a.queues}
        assert 1 in tiers, f"{queue.name} has no tier-1 agent"
        assert len(tiers) >= 2, f"{queue.name} has nobody to escalate to"


def test_requesters_live_in_real_rooms_and_groups() -> None:
    for r in REQUESTERS:
        assert location(r.room).site.code == r.site, r
        assert r.group in REQUESTER_GROUPS
        assert r.department and r.name and r.first_name == r.name.split()[0]
        assert re.fullmatch(r"555-01\d\d", r.phone)
    assert len({r.phone for r in REQUESTERS}) == len(REQUESTERS)
    groups = Counter(r.group for r in REQUESTERS)
    assert set(groups) == REQUESTER_GROUPS
    assert groups["staff"] > groups["students"] > groups["vip"] > 0
    assert {r.site for r in REQUESTERS} == {site.code for site in ORGANISATION.sites}


def test_names_are_not_shared_between_people() -> None:
    names = [a.name for a in AGENTS] + [r.name for r in REQUESTERS]
    assert len(names) == len(set(names))


# --- slots and ticket templates ----------------------------------------------------------------


def test_slots_are_documented_and_sampled() -> None:
    assert set(SLOT_DESCRIPTIONS) == SLOTS == set(SAMPLE_SLOTS)
    assert all(SLOT_DESCRIPTIONS[s] for s in SLOTS)
    assert SAMPLE_SLOTS["location"] == location("N1.02").label


def test_template_slots_reads_placeholders_and_ignores_escaped_braces() -> None:
    assert template_slots("{room} in {building}, not {{literal}}") == {"room", "building"}
    assert template_slots("no slots") == frozenset()


@pytest.mark.parametrize("key,text", _all_template_texts())
def test_every_template_text_uses_known_slots_and_formats(key: str, text: str) -> None:
    assert template_slots(text) <= SLOTS, key
    for _, field, spec, conversion in Formatter().parse(text):
        if field is not None:
            assert not spec and conversion is None, f"{key}: plain {{slot}} only, got {field!r}"
    every_slot = {slot: f"<{slot}>" for slot in SLOTS}
    filled = text.format_map(every_slot)
    assert "{" not in filled and "}" not in filled
    assert text.format_map(SAMPLE_SLOTS).strip()


def test_template_keys_are_unique() -> None:
    keys = [t.key for t in TICKET_TEMPLATES]
    assert len(keys) == len(set(keys))


@pytest.mark.parametrize("template", TICKET_TEMPLATES, ids=lambda t: t.key)
def test_template_is_consistent(template: TicketTemplate) -> None:
    assert template.category in CATEGORIES[template.queue]
    assert isinstance(template.type, TicketType)
    assert priority_for(template.impact, template.urgency)
    assert template.tags and all(tag == tag.lower() and " " not in tag for tag in template.tags)
    assert template.replies and template.notes and template.followups and template.work_log
    assert template.resolution.strip() and template.minutes > 0 and template.weight >= 1
    assert set(template.room_kinds) <= ROOM_KINDS
    assert set(template.requester_groups) <= REQUESTER_GROUPS
    # {asset} and {device} have their own sources; each is present exactly when a text uses it.
    assert ("asset" in template.slots) == (template.asset_pattern is not None)
    if template.asset_pattern is not None:
        assert template.asset_pattern.format(n=7) != template.asset_pattern
    assert ("device" in template.slots) == bool(template.devices)
    if template.article is not None:
        article = ARTICLES_BY_SLUG[template.article]
        assert article.status == "published", "templates link published articles only"


def test_every_room_kind_a_template_needs_exists_on_a_requesters_site() -> None:
    sites = {r.site for r in REQUESTERS}
    for template in TICKET_TEMPLATES:
        if template.room_kinds:
            assert any(
                loc.room.kind in template.room_kinds and loc.site.code in sites for loc in LOCATIONS
            ), template.key


def test_templates_span_types_priorities_and_parts() -> None:
    assert {t.type for t in TICKET_TEMPLATES} == set(TicketType)
    assert {priority_for(t.impact, t.urgency) for t in TICKET_TEMPLATES} >= {1, 2, 3, 4}
    facilities = [t for t in TICKET_TEMPLATES if t.queue == "Facilities"]
    assert sum(1 for t in facilities if t.parts) >= len(facilities) // 2
    for queue in QUEUES:
        used = {t.category for t in TICKET_TEMPLATES if t.queue == queue.name}
        assert used == set(queue.categories), f"{queue.name} categories without a template"


def test_no_phone_number_outside_the_fictional_range() -> None:
    texts = [text for _, text in _all_template_texts()] + [a.body for a in ARTICLES]
    for text in texts:
        for number in PHONE.findall(text):
            assert re.fullmatch(r"555-01\d\d", number), number


# --- articles ----------------------------------------------------------------------------------


def test_article_slugs_and_titles_are_unique() -> None:
    assert len(ARTICLES_BY_SLUG) == len(ARTICLES)
    assert len({a.title for a in ARTICLES}) == len(ARTICLES)


@pytest.mark.parametrize("article", ARTICLES, ids=lambda a: a.slug)
def test_article_is_well_formed_markdown(article: Article) -> None:
    assert article.title.strip() and article.tags
    assert article.category in CATEGORIES[article.queue]
    assert article.kind in ARTICLE_KINDS and article.status in ARTICLE_STATUSES
    assert article.draft == (article.status == "draft")
    assert 150 <= len(article.body.split()) <= 400
    assert article.body == article.body.strip()
    assert article.body[0].isalnum() or article.body.startswith("**")
    tokens = MarkdownIt("commonmark").enable("table").parse(article.body)
    assert tokens[0].type == "paragraph_open", "body opens with a lead paragraph, not a heading"
    headings = {t.tag for t in tokens if t.type == "heading_open"}
    assert headings == {"h2"} or headings == {"h2", "h3"}, "the title is the only h1"
    if article.kind == "faq":  # structured by questions
        questions = [line for line in article.body.splitlines() if line.startswith("## ")]
        assert len(questions) >= 4 and all(q.endswith("?") for q in questions)
    else:  # structured by steps, checklists or tables
        assert any(t.type in {"ordered_list_open", "bullet_list_open", "table_open"} for t in tokens)


def test_articles_mix_kinds_statuses_and_queues() -> None:
    kinds = Counter(a.kind for a in ARTICLES)
    assert kinds["known error"] >= 2 and kinds["faq"] >= 2 and kinds["how-to"] >= 20
    statuses = Counter(a.status for a in ARTICLES)
    assert 1 <= statuses["draft"] <= 8
    assert {a.queue for a in ARTICLES} == set(CATEGORIES)
    markdown = MarkdownIt("commonmark").enable("table")
    assert any(t.type == "fence" for a in ARTICLES for t in markdown.parse(a.body))
    assert any(t.type == "table_open" for a in ARTICLES for t in markdown.parse(a.body))


@pytest.mark.parametrize("article", [a for a in ARTICLES if a.kind == "known error"], ids=lambda a: a.slug)
def test_known_errors_have_symptom_cause_and_workaround(article: Article) -> None:
    for section in ("## Symptom", "## Cause", "## Workaround"):
        assert f"\n{section}\n" in article.body, section


def test_the_briefed_topics_are_covered() -> None:
    slugs = set(ARTICLES_BY_SLUG)
    assert {
        "vpn-connect-from-home", "password-reset", "printer-queue-stuck", "outlook-profile-rebuild",
        "bitlocker-recovery", "wifi-lvc-secure", "mfa-enrolment", "mapped-drives", "teams-audio",
        "laptop-docking", "reset-tripped-breaker", "water-leak", "heating-schedules",
        "fire-door-faults", "room-move-booking", "lift-entrapment", "annual-leave-request",
        "payslip-access", "onboarding-checklist", "claiming-expenses",
    } <= slugs  # fmt: skip
