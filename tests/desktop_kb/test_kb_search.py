"""Search-as-you-type in the KB screen: the query language, accents, bad syntax, stale results."""

from __future__ import annotations

from desktop_kb.kb_screen import make_kb
from PySide6.QtWidgets import QMessageBox, QTextBrowser

from desktop.app_context import AppContext
from desktop.kb.article_picker import ArticlePickerDialog
from desktop.ticket_table import TicketTableModel
from desktop.ticket_table.search_bar import SearchBar
from sync.search import QUERY_HELP


def seed(ctx: AppContext) -> dict[str, str]:
    return {
        "zurich": ctx.articles.create("Printers in the Zürich office", "Floor 3", category="Sites").entity_id,
        "bern": ctx.articles.create("Printers in Bern", "Floor 1", category="Sites").entity_id,
        "vpn": ctx.articles.create(
            "VPN from Zürich station", "Use the guest Wi-Fi", category="Network"
        ).entity_id,
    }


def test_typing_an_unaccented_word_finds_the_accented_one(qtbot, ctx, qtmodeltester):
    ids = seed(ctx)
    view = make_kb(qtbot, ctx)
    qtbot.waitUntil(lambda: view.article_model.rowCount() == 3, timeout=15_000)
    qtbot.keyClicks(view.search_edit, "Zurich")
    qtbot.waitUntil(lambda: view.article_model.rowCount() == 2, timeout=15_000)
    assert {a.id for a in view.article_model.records()} == {ids["zurich"], ids["vpn"]}
    qtmodeltester.check(view.article_model)

    qtbot.keyClicks(view.search_edit, " print")  # prefixes, every word must match
    qtbot.waitUntil(lambda: view.article_model.rowCount() == 1, timeout=15_000)
    assert view.article_model.record(0).id == ids["zurich"]

    view.search_edit.clear()
    qtbot.waitUntil(lambda: view.article_model.rowCount() == 3, timeout=15_000)


def test_the_category_narrows_a_search(qtbot, ctx):
    ids = seed(ctx)
    view = make_kb(qtbot, ctx)
    qtbot.waitUntil(lambda: view.category_model.rowCount() == 3, timeout=15_000)
    view.category_list.setCurrentIndex(
        view.category_model.index(view.category_model.records().index("Network"), 0)
    )
    qtbot.keyClicks(view.search_edit, "zurich")
    qtbot.waitUntil(lambda: [a.id for a in view.article_model.records()] == [ids["vpn"]], timeout=15_000)


def test_bad_query_syntax_shows_a_message_not_an_exception(qtbot, ctx):
    seed(ctx)
    view = make_kb(qtbot, ctx)
    qtbot.waitUntil(lambda: view.article_model.rowCount() == 3, timeout=15_000)
    qtbot.keyClicks(view.search_edit, "stauts:open")
    qtbot.waitUntil(lambda: view.search_message.isVisible(), timeout=15_000)
    assert "did you mean 'status'" in view.search_message.text()
    assert view.article_model.rowCount() == 0
    assert view.findChildren(QMessageBox) == []  # a message under the box, not an error dialog
    view.search_edit.clear()
    qtbot.keyClicks(view.search_edit, "geneva")
    qtbot.waitUntil(lambda: view.search_message.text() == "No article matches this search.", timeout=15_000)
    view.search_edit.clear()
    qtbot.keyClicks(view.search_edit, "bern")
    qtbot.waitUntil(lambda: view.article_model.rowCount() == 1, timeout=15_000)
    assert not view.search_message.isVisible()


def test_only_the_latest_search_reaches_the_list(qtbot, ctx, wait_idle):
    ids = seed(ctx)
    view = make_kb(qtbot, ctx)
    wait_idle()
    shown: list[list[str]] = []
    view.article_model.modelReset.connect(lambda: shown.append([a.id for a in view.article_model.records()]))
    view.search_edit.setText("zurich")
    view.reload_list()  # its result comes back after the next search was asked for
    view.search_edit.setText("bern")
    view.reload_list()
    wait_idle()
    assert shown == [[ids["bern"]]]


def test_the_search_help_documents_the_query_language(qtbot):
    bar = SearchBar()
    qtbot.addWidget(bar)
    dialog = bar.show_help()
    browser = dialog.findChild(QTextBrowser)
    assert dialog.isVisible() and browser is not None
    shown = browser.toPlainText()
    assert "zurich finds Zürich" in shown and "status:in_progress" in shown and "created:-7d" in shown
    assert browser.toMarkdown().strip() and QUERY_HELP.startswith("# Searching")


def test_the_ticket_search_box_sends_one_query_per_pause(qtbot):
    bar = SearchBar()
    qtbot.addWidget(bar)
    settled: list[str] = []
    bar.text_settled.connect(settled.append)
    qtbot.keyClicks(bar.edit, "printer floor")  # faster than DEBOUNCE_MS between keys
    assert settled == []
    qtbot.waitUntil(lambda: settled == ["printer floor"], timeout=15_000)
    qtbot.keyClicks(bar.edit, "\r")  # Enter with nothing new sends nothing again
    assert settled == ["printer floor"]


def test_the_ticket_table_drops_superseded_searches(qtbot, ctx, make_ticket, wait_idle):
    make_ticket("Printer jams on floor 2")
    make_ticket("Payroll export fails")
    vpn = make_ticket("VPN drops at night")
    model = TicketTableModel(ctx)
    with qtbot.waitSignal(model.query_applied, timeout=5000):
        model.set_view("all_open")
    shown: list[list[str | None]] = []
    model.query_applied.connect(lambda: shown.append([model.ticket_id(r) for r in range(model.rowCount())]))
    model.set_search_text("printer")  # in flight
    model.set_search_text("payroll")  # waiting, then replaced by the next one
    model.set_search_text("vpn")
    qtbot.waitUntil(lambda: bool(shown) and shown[-1] == [vpn], timeout=5000)
    wait_idle()
    assert shown[-1] == [vpn]
    assert all(len(rows) <= 1 for rows in shown) and len(shown) <= 2  # payroll never ran


def test_the_article_picker_ignores_accents_and_half_typed_filters(qtbot, ctx):
    ids = seed(ctx)
    picker = ArticlePickerDialog(ctx)
    qtbot.addWidget(picker)
    picker.show()
    qtbot.waitUntil(lambda: picker.model.rowCount() == 3, timeout=15_000)
    qtbot.keyClicks(picker.search_edit, "zurich office")
    qtbot.waitUntil(lambda: [a.id for a in picker.model.records()] == [ids["zurich"]], timeout=15_000)
    picker.search_edit.setText("category:")  # not a query yet: a substring match, no error box
    qtbot.waitUntil(lambda: picker.model.rowCount() == 0, timeout=15_000)
    assert picker.findChildren(QMessageBox) == []


def test_articles_with_unsynced_changes_carry_the_mark_until_the_server_confirms(qtbot, ctx):
    from sqlalchemy import update

    from desktop.kb.article_columns import UNSYNCED_MARK
    from sync.replica.models import Mutation
    from sync.services.changes import ChangeSet

    ids = seed(ctx)
    view = make_kb(qtbot, ctx)
    qtbot.waitUntil(lambda: view.article_model.rowCount() == 3, timeout=15_000)
    titles = {a.id: view.article_model.index(n, 0).data() for n, a in enumerate(view.article_model.records())}
    assert all(t.startswith(UNSYNCED_MARK) for t in titles.values())
    with ctx.replica.write() as s:  # what a sync round does once the server applied them
        s.execute(update(Mutation).where(Mutation.entity_id != ids["bern"]).values(state="applied"))
    ctx.hub.changed.emit(ChangeSet(everything=True, journal=True))  # the round's change notice

    def marked() -> dict[str, bool]:
        return {
            a.id: view.article_model.index(n, 0).data().startswith(UNSYNCED_MARK)
            for n, a in enumerate(view.article_model.records())
        }

    qtbot.waitUntil(
        lambda: marked() == {ids["zurich"]: False, ids["bern"]: True, ids["vpn"]: False}, timeout=15_000
    )
