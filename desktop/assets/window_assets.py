"""The main window's asset pages and Today view: built on first use, shown in the window's stack.

:class:`WindowAssets` adds a Today button to the toolbar and palette actions, and opens
the asset page (:meth:`show_asset`), the location page (:meth:`show_location`) and Today
(:meth:`show_today`). Palette entries for assets and locations arrive as actions
``asset:<id>`` / ``location:<id>`` (:meth:`run_action`). Links from the pages to tickets go
back to the window's ticket view. UI thread only.
"""

from __future__ import annotations

import weakref
from typing import Any

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QToolBar

from desktop.app_context import AppContext
from desktop.assets.asset_page import AssetPage
from desktop.assets.location_page import LocationPage
from desktop.assets.today_view import TodayView

__all__ = ["ASSET_ACTIONS", "WindowAssets"]

#: Palette actions: (id, title, shortcut shown beside it).
ASSET_ACTIONS: tuple[tuple[str, str, str], ...] = (
    ("today", "Today: my open tickets by site and building", "Ctrl+T"),
)


class WindowAssets:
    def __init__(self, ctx: AppContext, window: Any) -> None:
        self._ctx = ctx
        # A weak reference: the window holds this object; a strong one back would make a cycle
        # the garbage collector may free on a worker thread, deleting the window off the UI thread.
        self._window_ref = weakref.ref(window)
        self.asset_page: AssetPage | None = None
        self.location_page: LocationPage | None = None
        self.today: TodayView | None = None
        self.today_action = QAction("Today", window)
        self.today_action.setShortcut("Ctrl+T")
        self.today_action.setToolTip("My open tickets by site and building, most urgent first (Ctrl+T)")
        self.today_action.triggered.connect(self.show_today)
        window.addAction(self.today_action)
        toolbar = window.findChild(QToolBar, "mainToolbar")
        if toolbar is not None:
            toolbar.addAction(self.today_action)
        pane = window.pane
        for signal, slot in (
            ("asset_page_requested", self.show_asset),
            ("location_page_requested", self.show_location),
        ):
            if hasattr(pane, signal):
                getattr(pane, signal).connect(slot)

    @property
    def _window(self) -> Any:
        return self._window_ref()

    def run_action(self, action_id: str) -> bool:
        kind, _, record_id = action_id.partition(":")
        if action_id == "today":
            self.show_today()
        elif kind == "asset" and record_id:
            self.show_asset(record_id)
        elif kind == "location" and record_id:
            self.show_location(record_id)
        else:
            return False
        return True

    def _show(self, page: Any) -> None:
        stack = self._window.stack
        if stack.indexOf(page) < 0:
            stack.addWidget(page)
        stack.setCurrentWidget(page)

    def show_asset(self, ref: str) -> AssetPage:
        if self.asset_page is None:
            self.asset_page = AssetPage(self._ctx)
            self.asset_page.ticket_requested.connect(self._window.open_ticket)
            self.asset_page.location_requested.connect(self.show_location)
            self.asset_page.asset_requested.connect(self.show_asset)
        self._show(self.asset_page)
        self.asset_page.show_asset(ref)
        return self.asset_page

    def show_location(self, ref: str) -> LocationPage:
        if self.location_page is None:
            self.location_page = LocationPage(self._ctx)
            self.location_page.ticket_requested.connect(self._window.open_ticket)
            self.location_page.asset_requested.connect(self.show_asset)
        self._show(self.location_page)
        self.location_page.show_location(ref)
        return self.location_page

    def show_today(self) -> TodayView:
        if self.today is None:
            self.today = TodayView(self._ctx)
            self.today.ticket_requested.connect(self._window.open_ticket)
        self._show(self.today)
        self.today.reload()
        return self.today
