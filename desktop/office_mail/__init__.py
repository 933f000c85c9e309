"""The standalone office's e-mail channel in the app: the worker's thread and the settings dialog."""

from desktop.office_mail.window_office_mail import OFFICE_MAIL_ACTIONS, WindowOfficeMail

__all__ = ["OFFICE_MAIL_ACTIONS", "WindowOfficeMail"]
