"""build_installer.py: its parts on small inputs (always), and the real bundle (``installer`` marker).

The first half needs no PyInstaller: packages are made from a fake one-folder bundle, so the
.deb, AppDir and tarball layouts are checked in seconds. The second half runs only when a
bundle built from the current sources exists, or ``OUTPOST_BUILD_INSTALLER=1`` (see conftest).
"""

from __future__ import annotations

import ast
import configparser
import json
import shutil
import struct
import subprocess
import sys
import tarfile
import tomllib
from pathlib import Path
from typing import Any

import pytest
from outpost_build.artifacts import Artifact, make_tar_gz
from outpost_build.icons import IconSet, make_icons
from outpost_build.linux_artifacts import build_appdir, build_deb, extract_deb
from outpost_build.project import ProjectInfo, read_project_info, render_template, source_fingerprint
from outpost_build.qt_modules import ALWAYS_KEPT_QT, installed_qt_modules, qt_exclusions, qt_modules_used
from outpost_build.smoke import SmokeReport, SmokeStep
from outpost_build.windows_artifacts import installer_values, write_version_file

import build_installer

ROOT = build_installer.ROOT
linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="Linux packages")
needs_dpkg_deb = pytest.mark.skipif(shutil.which("dpkg-deb") is None, reason="needs dpkg-deb (Debian's dpkg)")
SERVER_PACKAGES = ("fastapi", "starlette", "uvicorn", "psycopg", "alembic", "argon2")
UNUSED_QT_LIBS = ("Qt6WebEngine", "Qt6Quick", "Qt6Qml", "Qt6Pdf", "Qt63D", "Qt6Multimedia", "Qt6Bluetooth")


@pytest.fixture(scope="module")
def info() -> ProjectInfo:
    return read_project_info(ROOT)


@pytest.fixture(scope="module")
def icons(tmp_path_factory: pytest.TempPathFactory) -> IconSet:
    return make_icons(ROOT / "resources" / "icons" / "outpost.svg", tmp_path_factory.mktemp("icons"))


@pytest.fixture
def fake_bundle(tmp_path: Path) -> Path:
    """A stand-in for PyInstaller's one-folder output: ``outpost/outpost`` plus ``_internal/``."""
    bundle = tmp_path / "dist" / "outpost"
    (bundle / "_internal").mkdir(parents=True)
    (bundle / "_internal" / "libexample.so").write_bytes(b"\0" * 1000)
    exe = bundle / "outpost"
    exe.write_text('#!/bin/sh\necho "outpost $*"\n')
    exe.chmod(0o755)
    return bundle


# -- project facts ----------------------------------------------------------------------------
def test_version_and_name_come_from_pyproject(info: ProjectInfo) -> None:
    with (ROOT / "pyproject.toml").open("rb") as handle:
        project = tomllib.load(handle)["project"]
    assert (info.dist_name, info.version) == (project["name"], project["version"])
    assert len(info.numeric_version) == 3


def test_versions_translate_for_windows_and_debian() -> None:
    pre = ProjectInfo(dist_name="outpost", version="1.2rc1", description="")
    assert pre.numeric_version == (1, 2, 0)
    assert pre.debian_version == "1.2~rc1"  # sorts before 1.2 in dpkg, as rc1 does before 1.2 in PEP 440
    assert ProjectInfo(dist_name="outpost", version="0.1.0", description="").debian_version == "0.1.0"


def test_source_fingerprint_follows_sources_not_caches(tmp_path: Path) -> None:
    (tmp_path / "sync").mkdir()
    (tmp_path / "sync" / "a.py").write_text("x = 1\n")
    before = source_fingerprint(tmp_path)
    (tmp_path / "sync" / "__pycache__").mkdir()
    (tmp_path / "sync" / "__pycache__" / "a.cpython-311.pyc").write_bytes(b"cache")
    assert source_fingerprint(tmp_path) == before
    (tmp_path / "sync" / "a.py").write_text("x = 2\n")
    assert source_fingerprint(tmp_path) != before


def test_render_template_refuses_unfilled_placeholders(tmp_path: Path) -> None:
    template = tmp_path / "t.in"
    template.write_text("Name=@NAME@ $INSTDIR {app}\n")
    assert render_template(template, {"NAME": "Outpost"}) == "Name=Outpost $INSTDIR {app}\n"
    template.write_text("@NAME@ @MISSING@\n")
    with pytest.raises(KeyError, match="MISSING"):
        render_template(template, {"NAME": "Outpost"})


def test_windows_templates_fill_completely(tmp_path: Path, info: ProjectInfo, icons: IconSet) -> None:
    values = installer_values(tmp_path / "outpost", tmp_path, info, icons)
    for name in ("outpost.iss.in", "outpost.nsi.in"):
        text = render_template(ROOT / "packaging" / "windows" / name, values)
        assert info.version in text and "@" not in text.replace("@@", "")
    version_file = write_version_file(tmp_path / "version_info.txt", info)
    # PyInstaller eval()s this file into a VSVersionInfo: it must be one Python expression.
    tree = ast.parse(version_file.read_text(), mode="eval")
    major, minor, patch = info.numeric_version
    assert f"filevers=({major}, {minor}, {patch}, 0)" in version_file.read_text()
    assert info.version in {n.value for n in ast.walk(tree) if isinstance(n, ast.Constant)}


# -- what goes into the bundle ----------------------------------------------------------------
def test_qt_imports_are_found_in_every_form(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(
        "from PySide6 import (\n    QtCharts,\n    QtNetwork as net,\n)\nimport os\n"
        "from PySide6.QtSvg import QSvgRenderer\nimport PySide6.QtPrintSupport\n"
    )
    assert qt_modules_used([tmp_path]) == {"QtCharts", "QtNetwork", "QtSvg", "QtPrintSupport"}


def test_exclusions_keep_every_module_the_desktop_app_imports() -> None:
    used = qt_modules_used([ROOT / "desktop"])
    installed = installed_qt_modules()
    kept, excluded = qt_exclusions(installed, used)
    assert used | ALWAYS_KEPT_QT <= set(kept)
    assert not set(kept) & set(excluded)
    for heavy in ("QtWebEngineCore", "QtQml", "QtQuick", "QtMultimedia", "QtPdf", "Qt3DCore", "QtBluetooth"):
        if heavy in installed and heavy not in used:
            assert heavy in excluded


# -- icons --------------------------------------------------------------------------------------
def test_icons_are_rendered_for_every_platform(icons: IconSet) -> None:
    png = icons.png(256).read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n" and struct.unpack(">II", png[16:24]) == (256, 256)
    ico = icons.ico.read_bytes()
    reserved, kind, count = struct.unpack("<HHH", ico[:6])
    assert (reserved, kind, count) == (0, 1, 7)
    assert ico[6 + 6 * 16] == 0  # the last (7th) entry is 256 px, stored as 0
    icns = icons.icns.read_bytes()
    assert icns[:4] == b"icns" and struct.unpack(">I", icns[4:8])[0] == len(icns)


# -- Linux packages from a fake bundle ----------------------------------------------------------
def _desktop_entry(text: str) -> configparser.SectionProxy:
    parser = configparser.ConfigParser(interpolation=None)
    parser.optionxform = str  # type: ignore[assignment,method-assign]
    parser.read_string(text)
    return parser["Desktop Entry"]


def _check_deb(deb: Path, info: ProjectInfo, tmp: Path) -> Path:
    """The .deb's control fields and layout; returns where its files were unpacked."""
    fields = subprocess.run(["dpkg-deb", "-f", str(deb)], capture_output=True, text=True, check=True).stdout
    assert f"Package: {info.executable}" in fields and f"Version: {info.debian_version}" in fields
    assert "libgl1" in fields and "libxcb-cursor0" in fields
    root = extract_deb(deb, tmp / "unpacked")
    link = root / "usr" / "bin" / info.executable
    assert link.is_symlink() and str(link.readlink()) == f"/opt/{info.executable}/{info.executable}"
    exe = root / "opt" / info.executable / info.executable
    assert exe.is_file() and exe.stat().st_mode & 0o111
    entry = _desktop_entry(
        (root / "usr" / "share" / "applications" / f"{info.executable}.desktop").read_text()
    )
    assert (
        entry["Exec"] == info.executable
        and entry["Icon"] == info.executable
        and entry["Type"] == "Application"
    )
    for size in (16, 48, 256):
        assert (root / f"usr/share/icons/hicolor/{size}x{size}/apps/{info.executable}.png").is_file()
    assert (root / f"usr/share/icons/hicolor/scalable/apps/{info.executable}.svg").is_file()
    return root


def _check_appdir(appdir: Path, info: ProjectInfo) -> None:
    app_run = appdir / "AppRun"
    assert app_run.stat().st_mode & 0o111
    entry = _desktop_entry((appdir / f"{info.executable}.desktop").read_text())
    assert entry["Exec"] == info.executable and (appdir / f"{entry['Icon']}.png").is_file()
    assert (appdir / ".DirIcon").is_symlink()
    assert (appdir / "usr" / "bin" / info.executable).resolve().is_file()


def _check_tarball(archive: Path, info: ProjectInfo) -> None:
    with tarfile.open(archive) as tar:
        members = {m.name: m for m in tar.getmembers()}
    exe = members[f"{info.executable}/{info.executable}"]
    assert exe.mode & 0o111 and exe.uid == 0 and exe.uname == "root"
    assert all(name.split("/")[0] == info.executable for name in members)


@linux_only
@needs_dpkg_deb
def test_deb_installs_bundle_command_menu_entry_and_icons(
    fake_bundle: Path, tmp_path: Path, info: ProjectInfo, icons: IconSet
) -> None:
    deb = build_deb(fake_bundle, tmp_path, tmp_path / "work", info, icons, "Test <test@example.org>", "gzip")
    root = _check_deb(deb.path, info, tmp_path)
    ran = subprocess.run([root / "opt" / "outpost" / "outpost", "hi"], capture_output=True, text=True)
    assert ran.stdout.strip() == "outpost hi"


@linux_only
def test_appdir_and_tarball_layouts(
    fake_bundle: Path, tmp_path: Path, info: ProjectInfo, icons: IconSet
) -> None:
    appdir = build_appdir(fake_bundle, tmp_path, info, icons)
    _check_appdir(appdir.path, info)
    ran = subprocess.run([appdir.path / "AppRun", "ticket", "list"], capture_output=True, text=True)
    assert ran.stdout.strip() == "outpost ticket list"
    _check_tarball(make_tar_gz(fake_bundle, tmp_path / "o.tar.gz"), info)


def test_plan_explains_what_can_and_cannot_be_built() -> None:
    rows = build_installer.plan()
    assert rows[0][0] == "bundle" and rows[-1] == (rows[-1][0], False, rows[-1][2])
    assert all(reason for _kind, _ok, reason in rows)
    if sys.platform.startswith("linux"):
        assert {"tar.gz", "deb", "appdir", "appimage"} <= {kind for kind, _ok, _why in rows}


def test_command_line_plan_runs_without_building() -> None:
    ran = subprocess.run(
        [sys.executable, str(ROOT / "build_installer.py"), "--plan"],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 0 and "bundle" in ran.stdout and "cross-builds" in ran.stdout


def test_smoke_test_without_build_says_so(tmp_path: Path) -> None:
    ran = subprocess.run(
        [sys.executable, str(ROOT / "build_installer.py"), "--smoke-test", "--out", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert ran.returncode == 2 and "build first" in ran.stderr


def test_a_smoke_report_passes_only_if_the_cli_ran_and_nothing_failed() -> None:
    cli = [SmokeStep(name, True, "") for name in ("cli-start", "demo", "ticket-list")]
    assert SmokeReport([*cli, SmokeStep("gui", None, "no GUI yet")]).passed
    assert not SmokeReport([*cli, SmokeStep("gui", False, "timed out")]).passed
    assert not SmokeReport([SmokeStep(s.name, None, "skipped") for s in cli]).passed


# -- the real bundle (built by build_installer.py) -----------------------------------------------
@pytest.mark.installer
def test_bundled_cli_builds_lists_and_upgrades_replicas(smoke_report: SmokeReport) -> None:
    print("\n".join(smoke_report.lines()))
    steps = {s.name: s for s in smoke_report.steps}
    for name in ("libraries", "cli-start", "demo", "ticket-list", "user-data-dir"):
        assert steps[name].ok is not False, f"{name}: {steps[name].detail}"
    assert all(steps[name].ok for name in ("cli-start", "demo", "ticket-list"))


@pytest.mark.installer
def test_bundled_app_shows_its_main_window_offscreen(
    smoke_report: SmokeReport, build_report: dict[str, Any]
) -> None:
    if not build_report.get("gui_executable"):
        pytest.skip("this bundle has no desktop.app (desktop/app.py was not in the sources)")
    gui = next(s for s in smoke_report.steps if s.name == "gui")
    assert gui.ok, gui.detail


@pytest.mark.installer
def test_bundle_holds_no_server_and_no_unused_qt(installer_out: Path, build_report: dict[str, Any]) -> None:
    manifest = json.loads((installer_out / build_installer.MANIFEST_NAME).read_text())
    assert not [m for m in manifest["modules"] if m.split(".")[0] in SERVER_PACKAGES]
    assert not [m for m in manifest["modules"] if m == "sync.server" or m.startswith("sync.server.")]
    assert {"sync", "desktop", "resources"} <= set(build_report["top_level_modules"])
    assert not [b for b in manifest["binaries"] if any(lib in b for lib in UNUSED_QT_LIBS)]
    assert not set(build_report["qt_modules_kept"]) & set(build_report["qt_modules_excluded"])


@pytest.mark.installer
def test_bundle_ships_resources_and_version(
    installer_out: Path, build_report: dict[str, Any], info: ProjectInfo
) -> None:
    manifest = json.loads((installer_out / build_installer.MANIFEST_NAME).read_text())
    shipped = {
        p.relative_to(ROOT).as_posix()
        for p in (ROOT / "resources").rglob("*")
        if p.is_file() and "__pycache__" not in p.parts and p.suffix != ".py"
    }
    assert shipped <= set(manifest["datas"])
    assert f"{info.dist_name}-{info.version}.dist-info/METADATA" in manifest["datas"]
    assert build_report["version"] == info.version


@pytest.mark.installer
@linux_only
def test_built_linux_packages_have_the_documented_layout(
    installer_out: Path, build_report: dict[str, Any], info: ProjectInfo, tmp_path: Path
) -> None:
    built = {a["kind"]: installer_out / a["path"] for a in build_report["artifacts"]}
    assert "tar.gz" in built
    _check_tarball(built["tar.gz"], info)
    if "appdir" in built:
        _check_appdir(built["appdir"], info)
    if "deb" in built and shutil.which("dpkg-deb"):
        _check_deb(built["deb"], info, tmp_path)
    skipped = {s["kind"]: s["reason"] for s in build_report["skipped"]}
    assert set(built) | set(skipped) >= {"tar.gz", "deb", "appdir", "appimage"}
    assert all(isinstance(Artifact(k, p), Artifact) for k, p in built.items())
