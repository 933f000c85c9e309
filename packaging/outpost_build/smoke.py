"""Run a built bundle the way a user and CI would, and say step by step what worked.

Every step runs the bundled executable in a throwaway home: ``XDG_*`` (Linux) or ``HOME``
(macOS) point into a temp dir, ``OUTPOST_DATA_DIR``/``PYTHONPATH``/``PYTHONHOME`` are removed
and the working directory is the temp dir, so the bundle can neither touch the user's data
nor borrow the checkout's or venv's Python files. Steps:

1. ``libraries``: (Linux) every ``.so`` in the bundle resolves its Qt/PySide/Python
   dependencies inside the bundle; libraries the system must provide are listed.
2. ``cli-start``: ``outpost --help`` exits 0 (its wall time is the CLI start time).
3. ``demo``: ``outpost --data-dir D demo --tickets 50`` builds the demo replica.
4. ``ticket-list``: ``outpost --data-dir D ticket list --json`` prints the documented JSON;
   with ``--status all`` it counts the 50 tickets.
5. ``encrypted-demo``: ``outpost demo --encrypt`` with a passphrase from
   ``OUTPOST_PASSPHRASE_FILE`` (the throwaway home has no keyring), then its tickets are
   listed; its file must not be plain SQLite (the bundle ships SQLCipher).
6. ``user-data-dir``: the checked-in schema-1 replica, copied to the platform user data dir
   of the throwaway home, is opened without ``--data-dir`` and its tickets listed; if the
   bundle's schema is newer, the upgrade must have left a ``replica.schema1.*.bak`` beside it.
7. ``launcher:<name>``: each extra launcher (AppRun, the .deb's ``/usr/bin/outpost`` symlink)
   lists the demo replica's tickets.
8. ``gui``: with ``QT_QPA_PLATFORM=offscreen``, ``outpost --data-dir D --smoke-test`` must
   print ``smoke test ok`` and exit 0 — the app's own check that its main window was shown.
   Killing it on a timeout is a failure, never a pass. Skipped when the bundle has no
   ``desktop.app`` (the GUI is not written yet).
"""

from __future__ import annotations

import functools
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["GUI_OK_MARKER", "SmokeReport", "SmokeStep", "run_smoke_test"]

#: What ``outpost --smoke-test`` prints on stdout once the main window has been shown.
GUI_OK_MARKER = "smoke test ok"
DEMO_TICKETS = 50
_QT_OWNED = ("libQt6", "libpyside6", "libshiboken6", "libpython")


@dataclass(frozen=True)
class SmokeStep:
    """One check: ``ok`` is True (passed), False (failed) or None (skipped, ``detail`` says why)."""

    name: str
    ok: bool | None
    detail: str
    seconds: float = 0.0


@dataclass
class SmokeReport:
    steps: list[SmokeStep] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """No step failed and the CLI steps ran (a smoke test that skipped everything proves nothing)."""
        ran = {s.name for s in self.steps if s.ok}
        return all(s.ok is not False for s in self.steps) and {"cli-start", "demo", "ticket-list"} <= ran

    def lines(self) -> list[str]:
        marks = {True: "ok  ", False: "FAIL", None: "skip"}
        return [f"  [{marks[s.ok]}] {s.name:<22} {s.seconds:5.1f} s  {s.detail}" for s in self.steps]


class _Run:
    """The throwaway environment the bundle runs in."""

    def __init__(self, home: Path) -> None:
        self.home = home
        env = {
            k: v for k, v in os.environ.items() if k not in ("OUTPOST_DATA_DIR", "PYTHONPATH", "PYTHONHOME")
        }
        env["QT_QPA_PLATFORM"] = "offscreen"
        if sys.platform.startswith("linux"):
            for name in ("data", "config", "cache", "state", "runtime"):
                (home / name).mkdir(mode=0o700, exist_ok=True)
                env[f"XDG_{name.upper()}_HOME" if name != "runtime" else "XDG_RUNTIME_DIR"] = str(home / name)
        elif sys.platform == "darwin":
            env["HOME"] = str(home)
        self.env = env

    def user_data_dir(self) -> Path | None:
        """The bundled app's user data dir in this home (None where the platform ignores the env)."""
        if sys.platform.startswith("linux"):
            return self.home / "data" / "Outpost"
        if sys.platform == "darwin":
            return self.home / "Library" / "Application Support" / "Outpost"
        return None

    def run(
        self, command: list[str], timeout: float = 120, extra_env: dict[str, str] | None = None
    ) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            command,
            cwd=self.home,
            env={**self.env, **(extra_env or {})},
            capture_output=True,
            text=True,
            timeout=timeout,
            stdin=subprocess.DEVNULL,
        )


def _failure(result: subprocess.CompletedProcess[str]) -> str:
    tail = (result.stderr or result.stdout).strip().splitlines()[-3:]
    return f"exit {result.returncode}: " + " | ".join(tail)


def _check_libraries(bundle: Path) -> SmokeStep:
    if not sys.platform.startswith("linux") or not shutil.which("ldd"):
        return SmokeStep("libraries", None, "ldd check is Linux-only")
    internal = bundle / "_internal"
    if not internal.is_dir():
        return SmokeStep("libraries", None, "one-file build: its libraries are unpacked only at run time")
    started = time.perf_counter()
    env = dict(os.environ, LD_LIBRARY_PATH=str(internal))
    broken: set[str] = set()
    from_system: set[str] = set()
    files = [p for p in internal.rglob("*.so*") if p.is_file() and not p.is_symlink()]
    for path in files:
        result = subprocess.run(["ldd", str(path)], capture_output=True, text=True, env=env)
        for line in result.stdout.splitlines():
            if "not found" not in line:
                continue
            lib = line.split("=>")[0].strip()
            if lib.startswith(_QT_OWNED):
                broken.add(f"{lib} (needed by {path.name})")
            else:
                from_system.add(lib)
    seconds = time.perf_counter() - started
    if broken:
        return SmokeStep(
            "libraries", False, "bundled libraries missing: " + ", ".join(sorted(broken)), seconds
        )
    extra = (
        f"; not found here, loaded only if present: {', '.join(sorted(from_system))}" if from_system else ""
    )
    return SmokeStep("libraries", True, f"{len(files)} shared objects resolve{extra}", seconds)


def _list_tickets(run: _Run, command: list[str]) -> tuple[dict[str, object] | None, str]:
    result = run.run(command)
    if result.returncode != 0:
        return None, _failure(result)
    try:
        listing = json.loads(result.stdout)
    except json.JSONDecodeError as exc:
        return None, f"not JSON ({exc}): {result.stdout[:200]!r}"
    if (
        not isinstance(listing, dict)
        or not isinstance(listing.get("tickets"), list)
        or "total" not in listing
    ):
        return None, f"not the documented {{total, tickets}} document: {result.stdout[:200]!r}"
    return listing, ""


def _timed(name: str, check: Callable[[], tuple[bool | None, str]]) -> SmokeStep:
    started = time.perf_counter()
    try:
        ok, detail = check()
    except (OSError, subprocess.SubprocessError) as exc:
        ok, detail = False, f"could not run: {exc}"
    return SmokeStep(name, ok, detail, time.perf_counter() - started)


def run_smoke_test(
    cli: Path,
    *,
    gui: Path | None,
    fixture: Path | None,
    launchers: dict[str, Path] | None = None,
    gui_timeout: float = 90,
) -> SmokeReport:
    """Run every step against the bundle whose command-line executable is ``cli``.

    ``gui`` is the executable that opens the app (the same file on Linux), or None when the
    bundle has no GUI yet; ``fixture`` is the schema-1 ``replica.db`` (None skips step 5);
    ``launchers`` maps a name to another way of starting the same bundle.
    """
    report = SmokeReport()
    with tempfile.TemporaryDirectory(prefix="outpost-smoke-") as tmp:
        run = _Run(Path(tmp))
        demo_dir = Path(tmp) / "demo-replica"
        exe = str(cli)
        report.steps.append(_check_libraries(cli.parent))

        def cli_start() -> tuple[bool, str]:
            result = run.run([exe, "--help"])
            ok = result.returncode == 0 and "ticket" in result.stdout
            return ok, "usage printed" if ok else _failure(result)

        report.steps.append(_timed("cli-start", cli_start))

        def demo() -> tuple[bool, str]:
            result = run.run([exe, "--data-dir", str(demo_dir), "demo", "--tickets", str(DEMO_TICKETS)])
            if result.returncode != 0:
                return False, _failure(result)
            return (demo_dir / "replica.db").is_file(), result.stdout.strip().splitlines()[-1:][0][:120]

        report.steps.append(_timed("demo", demo))

        def ticket_list() -> tuple[bool, str]:
            listing, error = _list_tickets(
                run, [exe, "--data-dir", str(demo_dir), "ticket", "list", "--json"]
            )
            if listing is None:
                return False, error
            everything, error = _list_tickets(
                run,
                [
                    exe,
                    "--data-dir",
                    str(demo_dir),
                    "ticket",
                    "list",
                    "--json",
                    "--status",
                    "all",
                    "--limit",
                    "1000",
                ],
            )
            if everything is None:
                return False, error
            tickets = everything["tickets"]
            assert isinstance(tickets, list)
            ok = everything["total"] == DEMO_TICKETS == len(tickets) and all(
                "display_number" in t for t in tickets
            )
            return ok, f"{listing['total']} open of {everything['total']} tickets, JSON as documented"

        report.steps.append(_timed("ticket-list", ticket_list))
        report.steps.append(_timed("encrypted-demo", lambda: _encrypted_demo_step(run, exe, Path(tmp))))
        report.steps.append(_timed("user-data-dir", lambda: _user_data_dir_step(run, exe, fixture)))
        for name, launcher in (launchers or {}).items():
            report.steps.append(
                _timed(f"launcher:{name}", functools.partial(_launcher_step, run, launcher, demo_dir))
            )
        if gui is None:
            report.steps.append(
                SmokeStep("gui", None, "no desktop.app in this bundle (desktop/app.py not written yet)")
            )
        else:
            report.steps.append(_timed("gui", lambda: _gui_step(run, gui, demo_dir, gui_timeout)))
    return report


def _encrypted_demo_step(run: _Run, exe: str, tmp: Path) -> tuple[bool, str]:
    folder = tmp / "encrypted-demo"
    secret = tmp / "passphrase.txt"
    secret.write_text("smoke test passphrase\n", encoding="utf-8")
    env = {"OUTPOST_PASSPHRASE_FILE": str(secret)}
    made = run.run([exe, "--data-dir", str(folder), "demo", "--tickets", "20", "--encrypt"], extra_env=env)
    if made.returncode != 0:
        return False, _failure(made)
    if (folder / "replica.db").read_bytes()[:16] == b"SQLite format 3\x00":
        return False, "the encrypted demo's file is plain SQLite"
    listed = run.run(
        [exe, "--data-dir", str(folder), "ticket", "list", "--json", "--status", "all"], extra_env=env
    )
    if listed.returncode != 0:
        return False, _failure(listed)
    total = json.loads(listed.stdout)["total"]
    return total == 20, f"encrypted demo opened with its passphrase: {total} tickets"


def _user_data_dir_step(run: _Run, exe: str, fixture: Path | None) -> tuple[bool | None, str]:
    if fixture is None or not fixture.is_file():
        return None, "no schema-1 fixture (tests/replica/fixtures/schema1/replica.db) beside this build"
    data_dir = run.user_data_dir()
    command = [exe, "ticket", "list", "--json", "--status", "all"]
    if data_dir is None:  # Windows: the known-folder API ignores the environment
        data_dir = run.home / "windows-data"
        command[1:1] = ["--data-dir", str(data_dir)]
    data_dir.mkdir(parents=True, exist_ok=True)
    shutil.copy2(fixture, data_dir / "replica.db")
    listing, error = _list_tickets(run, command)
    if listing is None:
        return False, error
    with sqlite3.connect(data_dir / "replica.db") as conn:
        version = conn.execute("PRAGMA user_version").fetchone()[0]
    backups = sorted(p.name for p in data_dir.glob("replica.schema1.*.bak"))
    if version > 1 and not backups:
        return False, f"upgraded schema 1 -> {version} but left no replica.schema1.*.bak"
    upgrade = (
        f"upgraded 1 -> {version}, backup {backups[0]}" if version > 1 else "schema 1 is current: no upgrade"
    )
    return listing["total"] not in (0, None), f"{listing['total']} tickets from {data_dir.name}/ ; {upgrade}"


def _launcher_step(run: _Run, launcher: Path, demo_dir: Path) -> tuple[bool, str]:
    listing, error = _list_tickets(
        run, [str(launcher), "--data-dir", str(demo_dir), "ticket", "list", "--json"]
    )
    return (listing is not None, f"{launcher.name}: {listing['total']} open tickets" if listing else error)


def _gui_step(run: _Run, gui: Path, demo_dir: Path, timeout: float) -> tuple[bool, str]:
    # `outpost --demo --help` reaches the app's own parser (without --demo, --help is the CLI's):
    # an app whose help does not list --smoke-test fails now instead of after the timeout.
    usage = run.run([str(gui), "--demo", "--help"], timeout=60)
    if usage.returncode == 0 and usage.stdout.strip() and "--smoke-test" not in usage.stdout:
        return (
            False,
            "the app has no --smoke-test option yet (`outpost --demo --help` does not list it; "
            "see docs/installer.md for the change desktop/app.py needs)",
        )
    try:
        result = run.run([str(gui), "--data-dir", str(demo_dir), "--smoke-test"], timeout=timeout)
    except subprocess.TimeoutExpired:
        return False, (
            f"still running after {timeout:.0f} s and was killed (a failure, not a pass): an app without "
            "--smoke-test support passes the flag to Qt, which ignores it (see docs/installer.md)"
        )
    if result.returncode == 0 and GUI_OK_MARKER in result.stdout:
        return True, next(line for line in result.stdout.splitlines() if GUI_OK_MARKER in line)[:120]
    if "--smoke-test" in result.stderr:
        return False, "the app does not accept --smoke-test yet (see docs/installer.md): " + _failure(result)
    return False, _failure(result) + f" (no '{GUI_OK_MARKER}' on stdout)"
