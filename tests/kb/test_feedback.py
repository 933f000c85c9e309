"""Helpfulness feedback: one verdict per agent per article, replaceable, journaled."""

from __future__ import annotations

import pytest
from kb.conftest import journal

from sync.errors import NotFoundError, ValidationError
from sync.ids import new_id
from sync.replica.kb_models import feedback_id
from sync.replica.models import Person
from sync.replica.replica import Replica, set_setting
from sync.services.article_feedback import ArticleFeedbackService
from sync.services.article_service import ArticleService


def test_feedback_is_counted_replaced_and_journaled(replica: Replica) -> None:
    article = ArticleService(replica).create("Reset a password", "Use the portal.").entity_id
    me = replica.current_user_id
    assert me is not None
    feedback = ArticleFeedbackService(replica)
    feedback.give(article, helpful=False, comment="Step 3 is out of date")
    assert feedback.give(article, helpful=False, comment="Step 3 is out of date").changes.is_empty
    colleague = new_id()
    with replica.write() as s:
        s.add(
            Person(
                id=colleague,
                name="Bo",
                username="bo",
                email="",
                phone="",
                department="",
                location="",
                group_name="",
                role="agent",
                tier=1,
                active=True,
            )
        )
        set_setting(s, "current_user_id", colleague)
    feedback.give(article, helpful=True)
    with replica.write() as s:
        set_setting(s, "current_user_id", me)
    feedback.give(article, helpful=True, comment="Fixed now")  # my verdict replaces my earlier one
    summary = feedback.summary(article)
    assert (summary.helpful, summary.not_helpful, summary.total, summary.mine) == (2, 0, 2, True)
    assert [(e.person, e.comment) for e in summary.entries] == [("Ana Admin", "Fixed now"), ("Bo", "")]
    assert feedback.counts([article, "other"]) == {article: (2, 0)}
    payloads = [p["feedback"] for p in journal(replica, "article.feedback")]
    assert [p["helpful"] for p in payloads] == [False, True, True]
    assert payloads[0]["id"] == payloads[2]["id"] == feedback_id(article, me)
    assert set(payloads[0]) == {"id", "article_id", "person_id", "helpful", "comment", "created_at"}


def test_feedback_on_unknown_article_or_too_long_is_refused(replica: Replica) -> None:
    with pytest.raises(NotFoundError):
        ArticleFeedbackService(replica).give("nope", helpful=True)
    article = ArticleService(replica).create("A", "b").entity_id
    with pytest.raises(ValidationError, match="longer than"):
        ArticleFeedbackService(replica).give(article, helpful=True, comment="x" * 2001)
