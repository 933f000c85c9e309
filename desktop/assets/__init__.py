"""Assets, locations and the technician's Today view in the desktop app."""

from desktop.assets.asset_page import AssetPage
from desktop.assets.location_page import LocationPage
from desktop.assets.today_view import TodayView

__all__ = ["AssetPage", "LocationPage", "TodayView"]
