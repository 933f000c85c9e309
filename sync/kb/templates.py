"""Article templates: markdown skeletons for the three kinds of knowledge-base article.

A template is plain markdown with named slots (``{symptom}``). :func:`fill_template` puts
text into the slots in one pass, so braces in the inserted text are never read as slots,
and leaves a short italic prompt ("_What does the person see?_") in every slot it was not
given, for the author to replace. The result renders safely with
:func:`sync.kb.render_markdown` like any other article body.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["ARTICLE_TEMPLATES", "ArticleTemplate", "fill_template", "template_for"]

_SLOT = re.compile(r"\{([a-z_]+)\}")


@dataclass(frozen=True)
class ArticleTemplate:
    """``kind`` is one of :data:`sync.domain.article_kinds.ARTICLE_KINDS`; ``prompts``
    maps every slot of ``body`` to the hint shown while it is empty."""

    kind: str
    label: str
    description: str
    body: str
    prompts: Mapping[str, str]

    @property
    def slots(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_SLOT.findall(self.body)))


_HOW_TO = ArticleTemplate(
    kind="how-to",
    label="How-to",
    description="Step-by-step instructions for a task people do themselves or agents repeat.",
    body=(
        "{summary}\n\n"
        "## Before you start\n\n{prerequisites}\n\n"
        "## Steps\n\n{steps}\n\n"
        "## If it does not work\n\n{troubleshooting}\n"
    ),
    prompts=MappingProxyType(
        {
            "summary": "What this achieves and who it is for.",
            "prerequisites": "What the person needs first: access, equipment, information.",
            "steps": "1. First step\n2. Second step",
            "troubleshooting": "Common problems, and when to raise a ticket instead.",
        }
    ),
)

_KNOWN_ERROR = ArticleTemplate(
    kind="known error",
    label="Known error",
    description="A problem that is understood but not yet fixed for good, with its workaround.",
    body=(
        "**Status:** {status}\n\n"
        "## Symptom\n\n{symptom}\n\n"
        "## Cause\n\n{cause}\n\n"
        "## Workaround\n\n{workaround}\n\n"
        "## Affects\n\n{affects}\n"
    ),
    prompts=MappingProxyType(
        {
            "status": "Open — a permanent fix is being worked on.",
            "symptom": "What does the person see? Quote error messages exactly.",
            "cause": "Why it happens, as far as it is known.",
            "workaround": "What gets the person working again until the fix.",
            "affects": "Which systems, sites, devices or versions.",
        }
    ),
)

_FAQ = ArticleTemplate(
    kind="faq",
    label="FAQ",
    description="Short answers to questions people ask again and again.",
    body="## {question}\n\n{answer}\n\n## {question_2}\n\n{answer_2}\n",
    prompts=MappingProxyType(
        {
            "question": "The question, in the words people use",
            "answer": "A short, direct answer; link to a how-to for the steps.",
            "question_2": "Another question",
            "answer_2": "Its answer.",
        }
    ),
)

#: The templates by article kind.
ARTICLE_TEMPLATES: Mapping[str, ArticleTemplate] = MappingProxyType(
    {t.kind: t for t in (_HOW_TO, _KNOWN_ERROR, _FAQ)}
)


def template_for(kind: str) -> ArticleTemplate:
    """The template of an article kind (``how-to``, ``known error``, ``faq``); ValueError otherwise."""
    key = kind.strip().lower().replace("_", " ")
    if key not in ARTICLE_TEMPLATES:
        raise ValueError(f"No template for {kind!r}; choose one of {', '.join(ARTICLE_TEMPLATES)}.")
    return ARTICLE_TEMPLATES[key]


def fill_template(kind: str, values: Mapping[str, str] | None = None) -> str:
    """The template's markdown with ``values`` in its slots and prompts in the rest.

    Values are inserted as given (they are markdown too); blank values count as missing.
    A key that is not a slot of this template raises ValueError, so a typo is not lost.
    """
    template = template_for(kind)
    given = {k: v.strip() for k, v in (values or {}).items()}
    unknown = set(given) - set(template.slots)
    if unknown:
        raise ValueError(f"The {template.label} template has no slot {', '.join(sorted(unknown))}.")

    def slot(match: re.Match[str]) -> str:
        name = match.group(1)
        if given.get(name):
            return given[name]
        prompt = template.prompts[name]
        return prompt if "\n" in prompt or name.startswith("question") else f"_{prompt}_"

    return _SLOT.sub(slot, template.body)
