"""Article templates: every kind has a skeleton, slots fill in one pass, the result renders safely."""

from __future__ import annotations

import pytest

from sync.kb.markdown_render import render_markdown
from sync.kb.templates import ARTICLE_TEMPLATES, fill_template, template_for
from sync.services.article_service import ARTICLE_KINDS


def test_there_is_a_template_for_every_article_kind() -> None:
    assert set(ARTICLE_TEMPLATES) == set(ARTICLE_KINDS)
    assert template_for("Known_Error").slots == ("status", "symptom", "cause", "workaround", "affects")
    with pytest.raises(ValueError, match="choose one of"):
        template_for("recipe")


def test_empty_slots_show_prompts_and_headings_stay() -> None:
    body = fill_template("known error")
    for heading in ("## Symptom", "## Cause", "## Workaround", "## Affects"):
        assert heading in body
    assert "_What does the person see? Quote error messages exactly._" in body
    assert "{" not in body


def test_values_are_inserted_verbatim_in_one_pass() -> None:
    body = fill_template("known error", {"symptom": "Error {cause} and {0}", "workaround": "Restart."})
    assert "Error {cause} and {0}" in body  # braces in a value are text, never slots
    assert "Restart." in body and "_Why it happens, as far as it is known._" in body
    with pytest.raises(ValueError, match="no slot symptoms"):
        fill_template("known error", {"symptoms": "typo"})


def test_how_to_and_faq_skeletons() -> None:
    how_to = fill_template("how-to", {"steps": "1. Open the tray\n2. Pull the sheet"})
    assert "## Steps\n\n1. Open the tray\n2. Pull the sheet" in how_to
    faq = fill_template("faq", {"question": "Who fixes the heating?", "answer": "Estates."})
    assert faq.startswith("## Who fixes the heating?\n\nEstates.")


def test_filled_templates_render_safely() -> None:
    html = render_markdown(fill_template("known error", {"symptom": "<script>alert(1)</script>"}))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "<h2>Workaround</h2>" in html
