"""The Reports screen: headline cards and charts over ``sync.reports``, drill-down and exports."""

from desktop.reports.reports_view import ReportsView

__all__ = ["REPORTS_KEY", "ReportsView"]

#: The sidebar key of the Reports screen.
REPORTS_KEY = "reports"
