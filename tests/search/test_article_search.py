"""find_articles: the KB screen's search — query language, accents, category, rank order."""

from __future__ import annotations

import pytest

from sync.replica.replica import Replica
from sync.search.article_search import find_articles
from sync.search.query_model import QuerySyntaxError
from sync.search.search_service import SearchService
from sync.services.article_service import ArticleService


def test_accents_category_and_rank_order(replica: Replica) -> None:
    articles = ArticleService(replica)
    office = articles.create("Printers in the Zürich office", "Floor 3", category="Sites").entity_id
    body_only = articles.create("Travel", "Flights to Zürich need approval", category="HR").entity_id
    articles.create("Printers in Bern", "Floor 1", category="Sites")
    search = SearchService(replica)

    found = find_articles(search, "zurich")
    assert [a.id for a in found] == [office, body_only]  # the title match ranks first
    assert found[0].title == "Printers in the Zürich office" and found[0].revision == 1
    assert [a.id for a in find_articles(search, "ZÜRICH", category="hr")] == [body_only]
    assert find_articles(search, "zurich", category="Nowhere") == []
    assert find_articles(search, "   ") == []


def test_bad_syntax_is_a_query_syntax_error(replica: Replica) -> None:
    with pytest.raises(QuerySyntaxError) as raised:
        find_articles(SearchService(replica), "stauts:open")
    assert "status" in raised.value.message
