"""Starting the desktop app: arguments, the QApplication, and which replica and window to show.

``outpost [--data-dir DIR]`` opens the replica there (see :func:`resolve_data_dir`);
``outpost --demo`` opens the demo replica, building it first if it is missing. Other
arguments go to Qt (``-style``, ``-platform`` ...).

:class:`AppController` owns the open replica's :class:`AppContext` and its window. Opening
a file and building the demo run on a separate bootstrap worker thread, so the window
stays responsive (a "Preparing the demo…" page shows meanwhile). A replica nobody has set
up shows the :class:`WelcomeScreen`; otherwise the :class:`MainWindow`. Unhandled
exceptions go to a :class:`CrashHandler` writing ``<data dir>/logs``. UI thread only.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QApplication

from desktop.app_context import AppContext
from desktop.crash_log import CrashHandler
from desktop.encryption_ui import NewPassphraseDialog, PassphraseDialog, needs_passphrase
from desktop.error_display import show_error
from desktop.main_thread_gc import MainThreadGc
from desktop.main_window import MainWindow
from desktop.settings import AppSettings
from desktop.task_runner import TaskRunner
from desktop.theme import ThemeController
from desktop.welcome_screen import WelcomeScreen
from resources import resource_path
from sync.cli.data_dir import demo_data_dir, resolve_data_dir
from sync.errors import ErrorKind, OutpostError, ReplicaLockedError, WrongKeyError
from sync.replica.encryption import read_info, unlock_with_passphrase
from sync.replica.encryption_switch import decrypt_replica, encrypt_replica
from sync.replica.replica import Replica, open_replica

__all__ = [
    "AppController",
    "DemoUnavailableError",
    "application_icon",
    "build_demo",
    "parse_args",
    "run_app",
]

log = logging.getLogger(__name__)

SMOKE_OK = "smoke test ok"
SMOKE_TIMEOUT_MS = 60_000
DemoBuilder = Callable[[Path], None]


class DemoUnavailableError(OutpostError):
    kind = ErrorKind.DEMO_UNAVAILABLE


def parse_args(argv: Sequence[str]) -> tuple[argparse.Namespace, list[str]]:
    """Outpost's own options, and the rest for Qt."""
    parser = argparse.ArgumentParser(prog="outpost", description="Outpost help desk")
    parser.add_argument("--data-dir", help="folder of the replica to open (default: your user data folder)")
    parser.add_argument("--demo", action="store_true", help="open the demo help desk (built on first use)")
    parser.add_argument(
        "--smoke-test",
        action="store_true",
        help=f"start, wait until the main window is shown, print '{SMOKE_OK}' and exit 0 "
        f"(exit 1 if it is not shown within {SMOKE_TIMEOUT_MS // 1000} s); used to check installed bundles",
    )
    return parser.parse_known_args(list(argv))


def application_icon() -> QIcon:
    """Outpost's icon for every window (the shipped SVG; a null icon if the SVG plugin is missing)."""
    return QIcon(str(resource_path("icons", "outpost.svg")))


def build_demo(data_dir: Path) -> None:
    """Build the demo replica (database thread of the bootstrap runner; takes seconds)."""
    try:
        from sync.demo.generator import DemoSpec, build_demo_replica
    except ImportError as exc:
        raise DemoUnavailableError(
            f"The demo help desk is not part of this installation ({exc}). Start standalone instead, "
            "or reinstall Outpost."
        ) from exc
    build_demo_replica(data_dir, DemoSpec(), replace=True)


def _open_checked(data_dir: Path) -> tuple[Replica, bool]:
    replica = open_replica(data_dir)
    return replica, replica.current_user_id is not None


class AppController(QObject):
    """Which replica is open and which top-level window shows it."""

    main_ready = Signal()  # the main window's first ticket list is on screen

    def __init__(
        self,
        settings: AppSettings,
        theme: ThemeController,
        *,
        demo_builder: DemoBuilder = build_demo,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.settings, self.theme = settings, theme
        self._demo_builder = demo_builder
        self.boot = TaskRunner(self)
        self.ctx: AppContext | None = None
        self.window: MainWindow | None = None
        self.welcome: WelcomeScreen | None = None
        self.passphrase_dialog: PassphraseDialog | None = None
        self.data_dir: Path | None = None
        self._busy_timer = QTimer(self, singleShot=True, interval=250)
        self._busy_text = ("", "")
        self._busy_timer.timeout.connect(lambda: self._welcome().show_busy(*self._busy_text))

    @property
    def logs_dir(self) -> Path:
        return (self.data_dir or resolve_data_dir(None)) / "logs"

    def start(self, data_dir: Path, *, demo: bool = False) -> None:
        if demo:
            self.open_demo()
        else:
            self.open_dir(data_dir)

    def open_dir(self, data_dir: Path) -> None:
        self.close_replica()
        self.data_dir = data_dir
        self._show_busy_soon("Opening your help desk…", str(data_dir))
        self.boot.submit(lambda: _open_checked(data_dir), self._opened, self._failed)

    def open_demo(self) -> None:
        self.close_replica()
        if self.welcome is not None:
            self.welcome.set_context(None)
        data_dir = self.data_dir = demo_data_dir()
        builder = self._demo_builder
        self._welcome().show_busy(
            "Preparing the demo…", "Building a sample help desk the first time takes a few seconds."
        )

        def prepare() -> tuple[Replica, bool]:
            replica, ready = _open_checked(data_dir)
            if ready:
                return replica, ready
            replica.close()
            builder(data_dir)
            return _open_checked(data_dir)

        self.boot.submit(prepare, self._opened, self._failed)

    # -- results -------------------------------------------------------------------------------
    def _opened(self, result: tuple[Replica, bool]) -> None:
        self._busy_timer.stop()
        replica, ready = result
        self.ctx = AppContext(replica)
        if ready:
            self._show_main()
        else:
            welcome = self._welcome()
            welcome.set_context(self.ctx)
            welcome.show_choices()

    def _failed(self, error: BaseException) -> None:
        self._busy_timer.stop()
        if isinstance(error, ReplicaLockedError) and self._passphrase_protected():
            self._ask_passphrase(str(error) if isinstance(error, WrongKeyError) else "")
            return
        log.warning("could not open %s: %s", self.data_dir, error)
        self._welcome().show_failure(error)

    # -- encryption ----------------------------------------------------------------------------
    def _passphrase_protected(self) -> bool:
        try:
            info = None if self.data_dir is None else read_info(self.data_dir)
        except (OSError, OutpostError):
            return False
        return info is not None and info.protection == "passphrase"

    def _ask_passphrase(self, error: str) -> None:
        """The replica's key is behind a passphrase: ask; derive the key off the UI thread."""
        data_dir = self.data_dir
        assert data_dir is not None
        dialog = self.passphrase_dialog
        if dialog is None:
            dialog = self.passphrase_dialog = PassphraseDialog(str(data_dir), self._welcome())
            dialog.rejected.connect(QApplication.quit)

            def unlock(passphrase: str) -> None:
                def work() -> tuple[Replica, bool]:
                    unlock_with_passphrase(data_dir, passphrase)
                    return _open_checked(data_dir)

                self.boot.submit(work, self._unlocked, self._failed)

            dialog.submitted.connect(unlock)
        if error:
            dialog.show_error(error)
        dialog.open()

    def _unlocked(self, result: tuple[Replica, bool]) -> None:
        if self.passphrase_dialog is not None:
            dialog, self.passphrase_dialog = self.passphrase_dialog, None
            dialog.rejected.disconnect()
            dialog.accept()
            dialog.deleteLater()
        self._opened(result)

    def _device_revoked(self, error: BaseException) -> None:
        """The replica was wiped (device revoked): say so, and start over on the empty folder."""
        data_dir = self.data_dir
        assert data_dir is not None
        self.close_replica()
        show_error(self._welcome(), error)
        self.open_dir(data_dir)

    def _encrypt_for_setup(self, passphrase: str) -> None:
        """The welcome form asked for encryption: encrypt the empty replica, then set it up."""
        data_dir = self.data_dir
        assert data_dir is not None
        self.close_replica()
        welcome = self._welcome()
        welcome.set_context(None)

        def work() -> tuple[Replica, bool]:
            encrypt_replica(data_dir, passphrase or None)
            return _open_checked(data_dir)

        def reopened(result: tuple[Replica, bool]) -> None:
            self.ctx = AppContext(result[0])
            welcome.continue_after_encryption(self.ctx)

        self.boot.submit(work, reopened, self._failed)

    def change_encryption(self) -> None:
        """Turn encryption on (or off, if it is on) for the open replica: close, convert, reopen."""
        if self.ctx is None or self.data_dir is None:
            return
        encrypt = not self.ctx.replica.encrypted
        if encrypt and needs_passphrase():
            dialog = NewPassphraseDialog(self.window)
            dialog.accepted.connect(lambda: self._convert(True, dialog.passphrase()))
            dialog.open()
            return
        self._convert(encrypt, None)

    def _convert(self, encrypt: bool, passphrase: str | None) -> None:
        data_dir = self.data_dir
        assert data_dir is not None
        self.close_replica()
        verb = "Encrypting" if encrypt else "Decrypting"
        self._welcome().show_busy(f"{verb} your help desk…", "Outpost opens it again when this is done.")

        def work() -> tuple[Replica, bool]:
            if encrypt:
                encrypt_replica(data_dir, passphrase)
            else:
                decrypt_replica(data_dir)
            return _open_checked(data_dir)

        self.boot.submit(work, self._opened, self._failed)

    def _show_main(self) -> None:
        assert self.ctx is not None
        window = MainWindow(self.ctx, self.settings, self.theme)
        window.closed.connect(self._main_closed)
        window.encryption_requested.connect(self.change_encryption)
        window.sync_ui.controller.device_revoked.connect(self._device_revoked)
        window.tickets.model.query_applied.connect(self._first_list)
        self.window = window
        window.show()
        if self.welcome is not None:
            self.welcome.close()
            self.welcome.deleteLater()
            self.welcome = None

    def _first_list(self) -> None:
        if self.window is not None:
            self.window.tickets.model.query_applied.disconnect(self._first_list)
        self.main_ready.emit()

    def _welcome(self) -> WelcomeScreen:
        if self.welcome is None:
            welcome = WelcomeScreen(self.ctx)
            welcome.standalone_ready.connect(lambda _person: self._show_main())
            welcome.server_ready.connect(self._show_main)
            welcome.demo_requested.connect(self.open_demo)
            welcome.encryption_requested.connect(self._encrypt_for_setup)
            welcome.quit_requested.connect(QApplication.quit)
            self.welcome = welcome
        self.welcome.show()
        return self.welcome

    def _show_busy_soon(self, title: str, detail: str) -> None:
        """Only a slow open (an upgrade, a cold disk) shows the busy page; a fast one shows nothing."""
        self._busy_text = (title, detail)
        self._busy_timer.start()

    def _main_closed(self) -> None:
        self.window = None
        self.close_replica()

    def close_replica(self) -> None:
        """Close the main window and the open replica (queued writes finish first)."""
        if self.window is not None:
            window, self.window = self.window, None
            window.closed.disconnect(self._main_closed)
            window.close()
            window.deleteLater()
        if self.ctx is not None:
            ctx, self.ctx = self.ctx, None
            ctx.close()  # finishes queued writes first

    def shutdown(self) -> None:
        self.close_replica()
        self.boot.shutdown(wait=True)


def run_app(argv: Sequence[str]) -> int:
    """The GUI entry point (``desktop.entry`` calls it); returns the process exit code."""
    args, qt_args = parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    app = QApplication([sys.argv[0] if sys.argv else "outpost", *qt_args])
    app.setApplicationName("Outpost")
    app.setOrganizationName("Outpost")
    app.setApplicationDisplayName("Outpost")
    app.setWindowIcon(application_icon())
    MainThreadGc(app).install()  # cyclic garbage (and the Qt objects in it) freed on this thread only
    settings = AppSettings.default()
    theme = ThemeController(app, settings)
    theme.apply()
    controller = AppController(settings, theme)
    crash = CrashHandler(lambda: controller.logs_dir)
    crash.install()
    app.aboutToQuit.connect(controller.shutdown)
    if args.smoke_test:
        _arm_smoke_test(app, controller)
    controller.start(resolve_data_dir(args.data_dir), demo=args.demo)
    try:
        return app.exec()
    finally:
        crash.uninstall()


def _arm_smoke_test(app: QApplication, controller: AppController) -> None:
    """Exit 0 once the main window's first ticket list is on screen; exit 1 after the timeout."""

    def shown() -> None:
        print(f"outpost: {SMOKE_OK}: main window shown", flush=True)
        app.exit(0)

    def too_slow() -> None:
        seconds = SMOKE_TIMEOUT_MS // 1000
        print(f"outpost: smoke test failed: no main window within {seconds} s", file=sys.stderr)
        app.exit(1)

    controller.main_ready.connect(shown)
    QTimer.singleShot(SMOKE_TIMEOUT_MS, too_slow)
