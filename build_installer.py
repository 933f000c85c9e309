#!/usr/bin/env python3
"""Build Outpost's installable desktop app with PyInstaller, package it for this platform, smoke-test it.

    python build_installer.py                  build the bundle and every package this machine can make
    python build_installer.py --plan           say what can and cannot be built here, and why; build nothing
    python build_installer.py --smoke-test     run the bundle already built in --out as a user would
    python build_installer.py --with-smoke-test   both: build, then smoke-test (what CI runs)
    python build_installer.py --measure-exclusions   also build without the Qt exclusions, report the saving

The bundle holds the desktop app and the client CLI (``outpost``), never the server extra.
Output in ``--out`` (default ``dist/``): the one-folder bundle ``outpost/`` (``Outpost.app`` on
macOS), the packages (Linux: ``.tar.gz``, ``.deb``, AppDir and, with ``appimagetool``, an
``.AppImage``; Windows: ``.zip`` and a setup ``.exe`` with Inno Setup or NSIS; macOS:
``.dmg``) and ``build-report.json`` (version, commit, source fingerprint, time, sizes,
exclusions) which ``--smoke-test`` and ``tests/installer`` read. Scratch files go to
``--work`` (default ``build/installer/``).

Exit codes: 0 done; 1 the build or the smoke test failed (the reason is printed); 2 a usage
error, or ``--smoke-test`` found no build. Needs PyInstaller in the running Python:
``bash scripts/build-installer`` installs it (``pip install '.[installer]'``) and runs both steps.
"""

from __future__ import annotations

import argparse
import json
import platform
import shutil
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "packaging"))  # outpost_build: see packaging/outpost_build/__init__.py

from outpost_build.artifacts import Artifact, Outcome, Skipped  # noqa: E402
from outpost_build.icons import IconSet, make_icons  # noqa: E402
from outpost_build.linux_artifacts import build_linux_packages, extract_deb, linux_capabilities  # noqa: E402
from outpost_build.macos_artifacts import build_macos_packages, bundle_settings, macos_capabilities  # noqa: E402
from outpost_build.project import (  # noqa: E402
    ProjectInfo,
    dir_size,
    git_commit,
    read_project_info,
    source_fingerprint,
)
from outpost_build.pyinstaller_build import SpecSettings, pyinstaller_version, run_pyinstaller  # noqa: E402
from outpost_build.qt_modules import (  # noqa: E402
    DEV_EXCLUDES,
    QT_DROP_PATTERNS,
    SERVER_EXCLUDES,
    installed_qt_modules,
    qt_exclusions,
    qt_modules_used,
)
from outpost_build.smoke import run_smoke_test  # noqa: E402
from outpost_build.windows_artifacts import (  # noqa: E402
    build_windows_packages,
    windows_capabilities,
    write_version_file,
)

__all__ = [
    "MANIFEST_NAME",
    "REPORT_NAME",
    "BuildLayout",
    "build",
    "main",
    "plan",
    "read_report",
    "smoke_test",
]

REPORT_NAME = "build-report.json"
#: What PyInstaller collected (modules, binaries, data files) and what was dropped, beside the report.
MANIFEST_NAME = "bundle-manifest.json"
SCHEMA1_FIXTURE = ROOT / "tests" / "replica" / "fixtures" / "schema1" / "replica.db"


def _platform_kind() -> str:
    if sys.platform.startswith("linux"):
        return "linux"
    if sys.platform == "win32":
        return "windows"
    if sys.platform == "darwin":
        return "macos"
    return sys.platform


@dataclass(frozen=True)
class BuildLayout:
    """Where a build puts things and what its executables are called, for one platform.

    ``cli`` and ``gui`` are relative to ``out``. On Windows and macOS the app and the CLI are
    two executables in one bundle (a GUI program must not open a console window, the CLI needs
    one); on Linux ``outpost`` is both.
    """

    out: Path
    work: Path
    kind: str
    info: ProjectInfo
    onefile: bool = False

    @property
    def executables(self) -> list[tuple[str, bool]]:
        name = self.info.executable
        return [(name, True)] if self.kind == "linux" else [(name, False), (f"{name}-cli", True)]

    @property
    def bundle(self) -> Path:
        return self.out / self.info.executable

    def relative_executables(self) -> tuple[str, str]:
        """``(cli, gui)`` paths relative to ``out``."""
        exe = ".exe" if self.kind == "windows" else ""
        name = self.info.executable
        if self.onefile:
            return f"{name}{exe}", f"{name}{exe}"
        if self.kind == "macos":
            macos = f"{self.info.display_name}.app/Contents/MacOS"
            return f"{macos}/{name}-cli", f"{macos}/{name}"
        if self.kind == "windows":
            return f"{name}/{name}-cli.exe", f"{name}/{name}.exe"
        return f"{name}/{name}", f"{name}/{name}"


def plan() -> list[tuple[str, bool, str]]:
    """``(package kind, buildable here, why)`` for this platform, without building anything."""
    kind = _platform_kind()
    found = pyinstaller_version()
    rows = [
        (
            "bundle",
            found is not None,
            f"PyInstaller {found} in {sys.executable}"
            if found
            else f"PyInstaller is not installed in {sys.executable}: run `bash scripts/build-installer` "
            "or `pip install '.[installer]'`",
        )
    ]
    if kind == "linux":
        rows += linux_capabilities()
    elif kind == "windows":
        rows += windows_capabilities()
    elif kind == "macos":
        rows += macos_capabilities()
    else:
        rows.append(
            ("packages", False, f"no packaging for platform {sys.platform!r}: only the bundle folder")
        )
    other = {
        "linux": "Windows (.zip, setup .exe) and macOS (.app, .dmg)",
        "windows": "Linux (.tar.gz, .deb, AppDir) and macOS (.app, .dmg)",
        "macos": "Linux (.tar.gz, .deb, AppDir) and Windows (.zip, setup .exe)",
    }.get(kind, "other platforms")
    rows.append(
        ("cross-builds", False, f"PyInstaller cannot cross-build: {other} need a build on that system")
    )
    return rows


def _write_dist_info(work: Path, info: ProjectInfo) -> Path:
    """A minimal dist-info folder, so that ``importlib.metadata.version("outpost")`` works in the bundle."""
    folder = work / "metadata" / f"{info.dist_name}-{info.version}.dist-info"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "METADATA").write_text(
        f"Metadata-Version: 2.1\nName: {info.dist_name}\nVersion: {info.version}\n"
        f"Summary: {info.description}\n",
        encoding="utf-8",
    )
    (folder / "INSTALLER").write_text("build_installer.py\n", encoding="utf-8")
    return folder


def _spec_settings(
    layout: BuildLayout,
    icons: IconSet,
    excluded_qt: list[str],
    with_exclusions: bool,
    manifest: Path,
    strip: bool,
) -> SpecSettings:
    info = layout.info
    excludes = list(SERVER_EXCLUDES) + list(DEV_EXCLUDES)
    if with_exclusions:
        excludes += [f"PySide6.{name}" for name in excluded_qt]
    dist_info = _write_dist_info(layout.work, info)
    icon = {"windows": icons.ico, "macos": icons.icns}.get(layout.kind)
    version_file = (
        write_version_file(layout.work / "version_info.txt", info) if layout.kind == "windows" else None
    )
    return SpecSettings(
        root=str(ROOT),
        name=info.executable,
        version=info.version,
        executables=layout.executables,
        excludes=excludes,
        drop_patterns=list(QT_DROP_PATTERNS) if with_exclusions else [],
        extra_datas=[(str(dist_info), dist_info.name)],
        manifest=str(manifest),
        icon=str(icon) if icon else "",
        windows_version_file=str(version_file) if version_file else "",
        macos_bundle=bundle_settings(info) if layout.kind == "macos" and not layout.onefile else None,
        onefile=layout.onefile,
        strip=strip,
        # Encrypted replicas: SQLCipher is imported only when one is opened, so name it (its
        # extension module carries the SQLCipher library, statically linked in the wheel).
        extra_hiddenimports=["sqlcipher3", "sqlcipher3.dbapi2", "sqlcipher3._sqlite3"],
    )


def _mb(size: int) -> str:
    return f"{size / 1_000_000:.1f} MB"


def _packages(layout: BuildLayout, icons: IconSet, skip: set[str], maintainer: str) -> list[Outcome]:
    if layout.onefile:
        return [
            Skipped(
                "packages",
                "--onefile makes one executable; the packages are built from the "
                "one-folder bundle (rebuild without --onefile)",
            )
        ]
    if layout.kind == "linux":
        return build_linux_packages(
            layout.bundle, layout.out, layout.work, layout.info, icons, skip, maintainer
        )
    if layout.kind == "windows":
        return build_windows_packages(layout.bundle, layout.out, layout.work, layout.info, icons, skip)
    if layout.kind == "macos":
        return build_macos_packages(
            layout.out / f"{layout.info.display_name}.app", layout.out, layout.info, skip
        )
    return [Skipped("packages", f"no packaging for platform {sys.platform!r}")]


def build(
    out: Path,
    work: Path,
    *,
    onefile: bool = False,
    skip: set[str] | None = None,
    strip: bool = False,
    measure_exclusions: bool = False,
    maintainer: str = "Outpost maintainers <packaging@outpost.invalid>",
) -> dict[str, object]:
    """Build the bundle and the packages; write and return ``out/build-report.json``'s content.

    Raises ``RuntimeError`` (PyInstaller, a packaging tool or icon rendering failed) with the
    tool's message; a package whose tool is missing is reported as skipped, not raised.
    """
    started = time.perf_counter()
    info = read_project_info(ROOT)
    layout = BuildLayout(
        out=out.resolve(), work=work.resolve(), kind=_platform_kind(), info=info, onefile=onefile
    )
    layout.work.mkdir(parents=True, exist_ok=True)
    icons = make_icons(ROOT / "resources" / "icons" / "outpost.svg", layout.work / "icons")
    kept_qt, excluded_qt = qt_exclusions(installed_qt_modules(), qt_modules_used([ROOT / "desktop"]))
    settings = _spec_settings(layout, icons, excluded_qt, True, layout.work / "manifest.json", strip)
    print(
        f"build_installer: PyInstaller is building {info.display_name} {info.version} (20-40 s)...",
        flush=True,
    )
    result = run_pyinstaller(settings, ROOT / "packaging" / "outpost.spec", layout.out, layout.work)
    bundle_size = dir_size(result.output)
    dropped = [Path(str(src)) for _dest, src in result.manifest["dropped"]]
    comparison: dict[str, object] | None = None
    if measure_exclusions:
        print("build_installer: building again without the Qt exclusions to measure them...", flush=True)
        plain_work = layout.work / "without-qt-exclusions"
        plain = run_pyinstaller(
            _spec_settings(layout, icons, excluded_qt, False, plain_work / "manifest.json", strip),
            ROOT / "packaging" / "outpost.spec",
            plain_work / "dist",
            plain_work,
        )
        plain_size = dir_size(plain.output)
        comparison = {
            "bundle_bytes_without": plain_size,
            "bytes_saved": plain_size - bundle_size,
            "seconds": round(plain.seconds, 1),
        }
        shutil.rmtree(plain_work / "dist")
    outcomes = _packages(layout, icons, skip or set(), maintainer)
    cli, gui = layout.relative_executables()
    modules = result.manifest["modules"]
    report: dict[str, object] = {
        "name": info.dist_name,
        "version": info.version,
        "platform": f"{layout.kind}-{platform.machine()}",
        "python": platform.python_version(),
        "pyinstaller": pyinstaller_version(),
        "commit": git_commit(ROOT),
        "source_fingerprint": source_fingerprint(ROOT),
        "onefile": onefile,
        "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "pyinstaller_seconds": round(result.seconds, 1),
        "total_seconds": round(time.perf_counter() - started, 1),
        "bundle": result.output.relative_to(layout.out).as_posix(),
        "bundle_bytes": bundle_size,
        "cli_executable": cli,
        "gui_executable": gui if "desktop.app" in modules else None,
        "qt_modules_kept": kept_qt,
        "qt_modules_excluded": excluded_qt,
        "qt_files_dropped": len(dropped),
        "qt_files_dropped_bytes": sum(src.stat().st_size for src in dropped if src.is_file()),
        "exclusion_measurement": comparison,
        "excluded_packages": list(SERVER_EXCLUDES) + list(DEV_EXCLUDES),
        "top_level_modules": sorted({m.split(".")[0] for m in modules}),
        "artifacts": [
            {
                "kind": o.kind,
                "path": o.path.relative_to(layout.out).as_posix(),
                "bytes": o.size,
                "note": o.note,
            }
            for o in outcomes
            if isinstance(o, Artifact)
        ],
        "skipped": [{"kind": o.kind, "reason": o.reason} for o in outcomes if isinstance(o, Skipped)],
        "pyinstaller_log": str(result.log),
    }
    (layout.out / MANIFEST_NAME).write_text(json.dumps(result.manifest, indent=1), encoding="utf-8")
    (layout.out / REPORT_NAME).write_text(json.dumps(report, indent=1), encoding="utf-8")
    return report


def read_report(out: Path) -> dict[str, object] | None:
    """The ``build-report.json`` in ``out``, or None if nothing was built there."""
    path = out / REPORT_NAME
    return json.loads(path.read_text(encoding="utf-8")) if path.is_file() else None


def _print_report(report: dict[str, object]) -> None:
    print(
        f"\n{report['name']} {report['version']} for {report['platform']} "
        f"(commit {report['commit']}, PyInstaller {report['pyinstaller']}, Python {report['python']})"
    )
    print(f"  build time:   {report['total_seconds']} s (PyInstaller {report['pyinstaller_seconds']} s)")
    shape = "one file" if report["onefile"] else "one folder"
    print(f"  bundle:       {report['bundle']} ({shape}) {_mb(int(str(report['bundle_bytes'])))} on disk")
    kept, excluded = report["qt_modules_kept"], report["qt_modules_excluded"]
    assert isinstance(kept, list) and isinstance(excluded, list)
    print(f"  Qt kept:      {', '.join(kept)}")
    print(
        f"  Qt excluded:  {len(excluded)} modules; {report['qt_files_dropped']} unused Qt files dropped "
        f"({_mb(int(str(report['qt_files_dropped_bytes'])))})"
    )
    measured = report.get("exclusion_measurement")
    if isinstance(measured, dict):
        print(
            f"  measured:     {_mb(measured['bundle_bytes_without'])} without the exclusions -> "
            f"{_mb(measured['bytes_saved'])} saved"
        )
    print(f"  GUI in bundle: {'yes' if report['gui_executable'] else 'no (desktop/app.py not written yet)'}")
    for artifact in report["artifacts"]:  # type: ignore[attr-defined]
        print(
            f"  built   {artifact['kind']:<9} {artifact['path']}  {_mb(artifact['bytes'])}"
            f"  ({artifact['note']})"
        )
    for skipped in report["skipped"]:  # type: ignore[attr-defined]
        print(f"  skipped {skipped['kind']:<9} {skipped['reason']}")


def _launchers(out: Path, report: dict[str, object], scratch: Path) -> dict[str, Path]:
    """Other ways the packages start the same bundle: the AppDir's AppRun and symlink, the .deb's files."""
    launchers: dict[str, Path] = {}
    for artifact in report.get("artifacts", []):  # type: ignore[attr-defined]
        path = out / artifact["path"]
        if artifact["kind"] == "appdir" and path.is_dir():
            launchers["AppDir/AppRun"] = path / "AppRun"
            launchers["AppDir/usr/bin symlink"] = path / "usr" / "bin" / "outpost"
        elif artifact["kind"] == "deb" and path.is_file() and shutil.which("dpkg-deb"):
            root = extract_deb(path, scratch / "deb")
            launchers[".deb /opt/outpost"] = root / "opt" / "outpost" / "outpost"
    return launchers


def smoke_test(out: Path, *, gui_timeout: float = 90) -> bool:
    """Smoke-test the build in ``out`` (see ``outpost_build.smoke``); print each step; True if it passed.

    Raises ``FileNotFoundError`` if ``out`` holds no build report.
    """
    out = out.resolve()
    report = read_report(out)
    if report is None:
        raise FileNotFoundError(f"no {REPORT_NAME} in {out}: build first with `python build_installer.py`")
    fingerprint = source_fingerprint(ROOT)
    if report.get("source_fingerprint") != fingerprint:
        print(
            f"build_installer: note: the bundle in {out} was built from other sources "
            f"({report.get('source_fingerprint')} != {fingerprint} now); testing it anyway"
        )
    cli = out / str(report["cli_executable"])
    gui = out / str(report["gui_executable"]) if report.get("gui_executable") else None
    print(
        f"build_installer: smoke-testing {cli} ({report['version']}, built {report['built_at']})", flush=True
    )
    with tempfile.TemporaryDirectory(prefix="outpost-smoke-pkg-") as scratch:
        result = run_smoke_test(
            cli,
            gui=gui,
            fixture=SCHEMA1_FIXTURE,
            launchers=_launchers(out, report, Path(scratch)),
            gui_timeout=gui_timeout,
        )
    print("\n".join(result.lines()))
    (out / "smoke-report.json").write_text(
        json.dumps(
            [
                {"name": s.name, "ok": s.ok, "detail": s.detail, "seconds": round(s.seconds, 2)}
                for s in result.steps
            ],
            indent=1,
        ),
        encoding="utf-8",
    )
    print(f"build_installer: smoke test {'PASSED' if result.passed else 'FAILED'}")
    return result.passed


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="build_installer.py",
        description=__doc__.split("\n\n")[0] if __doc__ else None,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    p.add_argument("--out", type=Path, default=ROOT / "dist", help="where the bundle and packages go (dist/)")
    p.add_argument(
        "--work", type=Path, default=ROOT / "build" / "installer", help="scratch dir (build/installer/)"
    )
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--plan", action="store_true", help="say what can be built here and why; build nothing")
    mode.add_argument("--smoke-test", action="store_true", help="run the bundle already built in --out")
    mode.add_argument("--with-smoke-test", action="store_true", help="build, then smoke-test what was built")
    p.add_argument(
        "--onefile", action="store_true", help="one self-extracting executable (slower start, no packages)"
    )
    p.add_argument("--skip-deb", action="store_true", help="Linux: no .deb")
    p.add_argument("--skip-appdir", action="store_true", help="Linux: no AppDir (and so no .AppImage)")
    p.add_argument("--skip-archive", action="store_true", help="no .tar.gz (Linux) / .zip (Windows)")
    p.add_argument("--skip-installer", action="store_true", help="Windows: no setup .exe; macOS: no .dmg")
    p.add_argument(
        "--strip",
        action=argparse.BooleanOptionalAction,
        default=sys.platform.startswith("linux"),
        help="strip symbols from the bundled libraries (default on Linux: saves ~35 MB; "
        "off elsewhere, where it would break code signatures)",
    )
    p.add_argument(
        "--measure-exclusions",
        action="store_true",
        help="also build without the Qt exclusions and report the size they save (doubles the time)",
    )
    p.add_argument(
        "--maintainer",
        default="Outpost maintainers <packaging@outpost.invalid>",
        help="the .deb's Maintainer field",
    )
    p.add_argument("--gui-timeout", type=float, default=90, help="seconds the GUI smoke step may take")
    return p


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.plan:
        for kind, ok, why in plan():
            print(f"  {'can' if ok else 'cannot':<6} build {kind:<12} {why}")
        return 0
    if args.smoke_test:
        try:
            return 0 if smoke_test(args.out, gui_timeout=args.gui_timeout) else 1
        except FileNotFoundError as exc:
            print(f"build_installer: {exc}", file=sys.stderr)
            return 2
    if pyinstaller_version() is None:
        print(f"build_installer: {plan()[0][2]}", file=sys.stderr)
        return 1
    skip = {
        name
        for flag, name in (
            (args.skip_deb, "deb"),
            (args.skip_appdir, "appdir"),
            (args.skip_archive, "tar.gz"),
            (args.skip_archive, "zip"),
            (args.skip_installer, "setup.exe"),
            (args.skip_installer, "dmg"),
        )
        if flag
    }
    try:
        report = build(
            args.out,
            args.work,
            onefile=args.onefile,
            skip=skip,
            strip=args.strip,
            measure_exclusions=args.measure_exclusions,
            maintainer=args.maintainer,
        )
    except (RuntimeError, ValueError, KeyError, OSError) as exc:
        print(f"build_installer: build failed: {exc}", file=sys.stderr)
        return 1
    _print_report(report)
    if args.with_smoke_test:
        print(flush=True)
        return 0 if smoke_test(args.out, gui_timeout=args.gui_timeout) else 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
