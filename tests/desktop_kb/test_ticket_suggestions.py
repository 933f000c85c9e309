"""The ticket pane's Suggestions tab: similar tickets and suggested articles, opened with one click."""

from __future__ import annotations

from PySide6.QtCore import Qt

from desktop.app_context import AppContext
from desktop.ticket_pane import TicketPane
from desktop.ticket_pane.suggestions_panel import SuggestionsPanel
from sync.services.article_links import ArticleLinks

FILLER = [
    ("Monitor flickers", "The screen flickers after lunch"),
    ("New starter laptop", "Please prepare a laptop for Jo"),
    ("Projector bulb", "Room 4 projector is dim"),
    ("Password reset", "Locked out of e-mail"),
    ("Desk phone dead", "No dial tone on extension 214"),
    ("Software request", "Install a PDF editor"),
]


def seed(ctx: AppContext, make_ticket) -> dict[str, str]:
    for subject, description in FILLER:
        make_ticket(subject, description=description)
    vpn_old = make_ticket("VPN tunnel drops in Zürich", description="Cisco AnyConnect tunnel drops hourly")
    ctx.tickets.change_status(vpn_old, "resolved", resolution="Renewed the AnyConnect certificate")
    printer_old = make_ticket("Toner smudges on Kyocera", description="Kyocera printer leaves toner smudges")
    vpn_new = make_ticket(
        "AnyConnect tunnel keeps dropping", description="VPN tunnel drops at the Zürich site"
    )
    printer_new = make_ticket("Kyocera toner smudges again", description="Smudges on every page")
    for title in ("Order a new laptop", "Book a meeting room", "Set up a desk phone"):
        ctx.articles.create(title, "Ask the service desk.", kind="how-to")
    article = ctx.articles.create(
        "AnyConnect tunnel drops: renew the certificate",
        "When the AnyConnect tunnel drops, renew the certificate.",
        kind="known error",
    ).entity_id
    ctx.articles.publish(article)
    return {
        "vpn_old": vpn_old,
        "vpn_new": vpn_new,
        "printer_old": printer_old,
        "printer_new": printer_new,
        "article": article,
    }


def show(qtbot, pane: TicketPane, ticket_id: str) -> SuggestionsPanel:
    with qtbot.waitSignal(pane.ticket_opened, timeout=3000):
        pane.show_ticket(ticket_id)
    panel = pane.suggestions
    qtbot.waitUntil(lambda: panel.tickets_model.rowCount() > 0, timeout=5000)
    return panel


def test_suggestions_for_the_ticket_and_one_click_to_open(qtbot, ctx, pane, make_ticket, qtmodeltester):
    ids = seed(ctx, make_ticket)
    panel = show(qtbot, pane, ids["vpn_new"])
    qtmodeltester.check(panel.tickets_model)
    qtmodeltester.check(panel.articles_model)
    tickets = panel.tickets_model.records()
    assert tickets[0].id == ids["vpn_old"]
    assert ids["vpn_new"] not in [t.id for t in tickets]  # never the ticket itself
    assert "Renewed the AnyConnect certificate" in panel.tickets_model.index(0, 3).data()
    assert [a.id for a in panel.articles_model.records()] == [ids["article"]]
    tab = pane.tabs.tabText(pane.tabs.indexOf(panel))
    assert tab == f"Suggestions ({len(tickets) + 1})"

    with qtbot.waitSignal(pane.article_link_activated, timeout=2000) as opened:
        panel.open_article_button.click()
    assert opened.args == [ids["article"]]

    pane.tabs.setCurrentWidget(panel)
    qtbot.waitUntil(panel.tickets_table.isVisible, timeout=15_000)
    rect = panel.tickets_table.visualRect(panel.tickets_model.index(0, 1))
    with qtbot.waitSignal(pane.ticket_opened, timeout=3000) as followed:
        # QTest's double click is only the second press; a person's starts with a click
        qtbot.mouseClick(panel.tickets_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
        qtbot.mouseDClick(panel.tickets_table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert followed.args == [ids["vpn_old"]]
    assert pane.ticket_id == ids["vpn_old"]


def test_insert_link_then_send_records_that_the_article_was_used(qtbot, ctx, pane, make_ticket, wait_idle):
    ids = seed(ctx, make_ticket)
    panel = show(qtbot, pane, ids["vpn_new"])
    qtbot.waitUntil(lambda: not pane.composer.editor.isReadOnly(), timeout=15_000)
    assert panel.articles_model.index(0, 3).data() == ""
    panel.insert_link_button.click()
    assert f"(outpost:article/{ids['article']})" in pane.composer.text()
    assert pane.composer.editor.hasFocus() or pane.tabs.currentWidget() is not panel
    pane.composer.editor.insertPlainText("\nThis should fix it.")
    with qtbot.waitSignal(pane.composer.sent, timeout=3000):
        pane.composer.send()
    links = ArticleLinks(ctx.replica).tickets_for(ids["article"])
    assert [(link.ticket_id, link.source) for link in links] == [(ids["vpn_new"], "mention")]
    # the change notice reloads the pane, and with it the suggestions
    qtbot.waitUntil(lambda: panel.articles_model.index(0, 3).data() == "linked", timeout=5000)


def test_a_late_result_for_another_ticket_is_dropped(qtbot, ctx, pane, make_ticket, wait_idle):
    ids = seed(ctx, make_ticket)
    panel = pane.suggestions
    panel.set_ticket(ids["vpn_new"])  # its result arrives after the next request was made
    panel.set_ticket(ids["printer_new"])
    wait_idle()
    assert panel.ticket_id == ids["printer_new"]
    assert [t.id for t in panel.tickets_model.records()] == [ids["printer_old"]]
    assert panel.articles_model.rowCount() == 0


def test_nothing_selected_clears_the_suggestions(qtbot, ctx, pane, make_ticket):
    ids = seed(ctx, make_ticket)
    panel = show(qtbot, pane, ids["vpn_new"])
    pane.show_ticket(None)
    assert panel.tickets_model.rowCount() == 0 and panel.articles_model.rowCount() == 0
    assert pane.tabs.tabText(pane.tabs.indexOf(panel)) == "Suggestions"
