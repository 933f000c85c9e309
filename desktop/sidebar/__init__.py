"""The sidebar of views (built-in, queues, saved searches) with live counts."""

from desktop.sidebar.sidebar_model import KB_KEY, REPORTS_KEY, SidebarEntry, SidebarModel, SidebarRole
from desktop.sidebar.sidebar_widget import Sidebar

__all__ = ["KB_KEY", "REPORTS_KEY", "Sidebar", "SidebarEntry", "SidebarModel", "SidebarRole"]
