"""Linux packages around the one-folder bundle: ``.tar.gz``, ``.deb`` and an AppImage-style AppDir.

- ``.tar.gz``: the bundle folder ``outpost/`` as is (run ``outpost/outpost``); needs nothing.
- ``.deb``: the bundle under ``/opt/outpost``, ``/usr/bin/outpost`` (a symlink), a desktop entry
  and hicolor icons; built with ``dpkg-deb`` (Debian's ``dpkg``, always present on Debian).
  Upgrading replaces ``/opt/outpost`` whole; user data lives in the user data dir, untouched.
- AppDir: the layout ``appimagetool`` turns into an ``.AppImage`` (``AppRun``, ``.desktop``,
  icon, ``usr/``). It runs as is (``Outpost.AppDir/AppRun``). The AppImage runtime and
  ``appimagetool`` are not packaged by Debian, so the ``.AppImage`` itself is made only when
  an ``appimagetool`` is on ``PATH``.
"""

from __future__ import annotations

import os
import platform
import shutil
import subprocess
from pathlib import Path

from outpost_build.artifacts import Artifact, Outcome, Skipped, copy_linked, make_tar_gz
from outpost_build.icons import ICON_SIZES, IconSet
from outpost_build.project import ProjectInfo, dir_size, render_template

__all__ = [
    "DEB_COMPRESSION",
    "DEB_DEPENDS",
    "DEB_RECOMMENDS",
    "build_linux_packages",
    "debian_architecture",
    "extract_deb",
    "linux_capabilities",
]

#: What the bundle needs from the system and does not carry (PyInstaller never bundles libGL/libEGL;
#: the xcb libraries are needed by Qt's X11 plugin) — the Qt lists of scripts/install-system-deps.sh.
DEB_DEPENDS = (
    "libgl1",
    "libegl1",
    "libxkbcommon0",
    "libxkbcommon-x11-0",
    "libfontconfig1",
    "libdbus-1-3",
    "libglib2.0-0",
    "libxcb-cursor0",
    "libxcb-icccm4",
    "libxcb-image0",
    "libxcb-keysyms1",
    "libxcb-render-util0",
    "libxcb-shape0",
    "fonts-dejavu-core | fonts-liberation2 | fonts-freefont-ttf",
)

#: Loaded only when present: Qt's Wayland plugins (else Qt falls back to X11 through XWayland)
#: and its GTK platform theme (native file dialogs and colours on GNOME).
DEB_RECOMMENDS = ("libwayland-cursor0", "libwayland-egl1", "libgtk-3-0")

_TEMPLATES = Path(__file__).resolve().parent.parent / "linux"


def debian_architecture() -> str:
    """``dpkg --print-architecture`` (``amd64``), or the same name derived from the CPU without dpkg."""
    if shutil.which("dpkg"):
        result = subprocess.run(["dpkg", "--print-architecture"], capture_output=True, text=True)
        if result.returncode == 0 and result.stdout.strip():
            return result.stdout.strip()
    machine = platform.machine().lower()
    return {"x86_64": "amd64", "aarch64": "arm64", "armv7l": "armhf", "i686": "i386"}.get(machine, machine)


def linux_capabilities() -> list[tuple[str, bool, str]]:
    """``(kind, buildable, explanation)`` for each Linux package, checked on this machine."""
    dpkg_deb = shutil.which("dpkg-deb")
    appimagetool = shutil.which("appimagetool")
    return [
        ("tar.gz", True, "Python's tarfile: always"),
        (
            "deb",
            dpkg_deb is not None,
            f"dpkg-deb at {dpkg_deb}"
            if dpkg_deb
            else "dpkg-deb not found: `apt-get install dpkg` (Debian/Ubuntu only)",
        ),
        ("appdir", True, "a plain folder: always (runs as Outpost.AppDir/AppRun)"),
        (
            "appimage",
            appimagetool is not None,
            f"appimagetool at {appimagetool}"
            if appimagetool
            else "appimagetool is not in Debian's archive (nor is the AppImage runtime it embeds): "
            "the AppDir is complete; run `appimagetool Outpost-*.AppDir` where it is installed",
        ),
    ]


def _desktop_entry(info: ProjectInfo, exec_line: str, icon: str) -> str:
    return render_template(
        _TEMPLATES / "outpost.desktop.in",
        {
            "DISPLAY_NAME": info.display_name,
            "DESCRIPTION": info.description.split(":")[0].rstrip("."),
            "EXEC": exec_line,
            "ICON": icon,
            "EXECUTABLE": info.executable,
        },
    )


def _install_icons(share: Path, icons: IconSet, name: str) -> None:
    for size in ICON_SIZES:
        if size > 512:
            continue
        target = share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{name}.png"
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(icons.png(size), target)
    scalable = share / "icons" / "hicolor" / "scalable" / "apps" / f"{name}.svg"
    scalable.parent.mkdir(parents=True, exist_ok=True)
    shutil.copy2(icons.svg, scalable)


#: ``dpkg-deb`` compression settings: measured on the 190 MB bundle on a busy 2-core machine,
#: zstd -9 took 10 s for 70 MB, xz -6 took 5 min for 58 MB, gzip -6 13 s for 78 MB. zstd needs
#: dpkg 1.21.18+ (Debian 12, Ubuntu 21.10), which any system with the bundle's glibc 2.36 has.
DEB_COMPRESSION = {"zstd": ["-Zzstd", "-z9"], "xz": ["-Zxz", "-z6"], "gzip": ["-Zgzip", "-z6"]}


def build_deb(
    bundle: Path,
    out: Path,
    work: Path,
    info: ProjectInfo,
    icons: IconSet,
    maintainer: str,
    compression: str = "zstd",
) -> Artifact:
    """``out/<pkg>_<version>_<arch>.deb``; raises ``RuntimeError`` with dpkg-deb's message if it fails.

    ``compression`` is a key of :data:`DEB_COMPRESSION`.
    """
    arch = debian_architecture()
    package = info.executable
    root = work / "deb-root"
    if root.exists():
        shutil.rmtree(root)
    copy_linked(bundle, root / "opt" / package)
    (root / "usr" / "bin").mkdir(parents=True)
    os.symlink(f"/opt/{package}/{info.executable}", root / "usr" / "bin" / info.executable)
    share = root / "usr" / "share"
    (share / "applications").mkdir(parents=True)
    (share / "applications" / f"{package}.desktop").write_text(
        _desktop_entry(info, f"{info.executable}", package), encoding="utf-8"
    )
    _install_icons(share, icons, package)
    doc = share / "doc" / package
    doc.mkdir(parents=True)
    values = {"DISPLAY_NAME": info.display_name, "PACKAGE": package}
    (doc / "copyright").write_text(render_template(_TEMPLATES / "copyright.in", values), encoding="utf-8")
    control_dir = root / "DEBIAN"
    control_dir.mkdir()
    libc = platform.libc_ver()[1]
    depends = ([f"libc6 (>= {libc})"] if libc else []) + list(DEB_DEPENDS)
    control = render_template(
        _TEMPLATES / "control.in",
        {
            "PACKAGE": package,
            "VERSION": info.debian_version,
            "ARCHITECTURE": arch,
            "MAINTAINER": maintainer,
            "INSTALLED_SIZE": str((dir_size(root) + 1023) // 1024),
            "DEPENDS": ", ".join(depends),
            "RECOMMENDS": ", ".join(DEB_RECOMMENDS),
            "SUMMARY": "offline-first desktop help desk",
        },
    )
    (control_dir / "control").write_text(control, encoding="utf-8")
    for path in [root, *root.rglob("*")]:  # dpkg-deb rejects group/other-writable control dirs
        if path.is_dir() and not path.is_symlink():
            path.chmod(0o755)
    target = out / f"{package}_{info.debian_version}_{arch}.deb"
    target.unlink(missing_ok=True)
    result = subprocess.run(
        ["dpkg-deb", "--root-owner-group", *DEB_COMPRESSION[compression], "--build", str(root), str(target)],
        capture_output=True,
        text=True,
    )
    if result.returncode != 0:
        raise RuntimeError(f"dpkg-deb failed: {result.stderr.strip() or result.stdout.strip()}")
    shutil.rmtree(root)
    return Artifact("deb", target, f"install: sudo apt install ./{target.name}")


def build_appdir(bundle: Path, out: Path, info: ProjectInfo, icons: IconSet) -> Artifact:
    """``out/<Name>-<version>-<arch>.AppDir``: runnable as ``AppRun``, ready for ``appimagetool``."""
    appdir = out / f"{info.display_name}-{info.version}-{platform.machine()}.AppDir"
    if appdir.exists():
        shutil.rmtree(appdir)
    copy_linked(bundle, appdir / "usr" / "lib" / info.executable)
    (appdir / "usr" / "bin").mkdir(parents=True)
    os.symlink(f"../lib/{info.executable}/{info.executable}", appdir / "usr" / "bin" / info.executable)
    share = appdir / "usr" / "share"
    _install_icons(share, icons, info.executable)
    entry = _desktop_entry(info, info.executable, info.executable)
    (share / "applications").mkdir(parents=True)
    (share / "applications" / f"{info.executable}.desktop").write_text(entry, encoding="utf-8")
    (appdir / f"{info.executable}.desktop").write_text(entry, encoding="utf-8")
    shutil.copy2(icons.png(256), appdir / f"{info.executable}.png")
    os.symlink(f"{info.executable}.png", appdir / ".DirIcon")
    app_run = appdir / "AppRun"
    app_run.write_text(
        render_template(_TEMPLATES / "AppRun", {"EXECUTABLE": info.executable}), encoding="utf-8"
    )
    app_run.chmod(0o755)
    return Artifact("appdir", appdir, f"run: {appdir.name}/AppRun")


def build_appimage(appdir: Path, out: Path, info: ProjectInfo) -> Artifact:
    """Pack ``appdir`` with the ``appimagetool`` on PATH; ``RuntimeError`` with its output on failure."""
    target = out / f"{info.display_name}-{info.version}-{platform.machine()}.AppImage"
    target.unlink(missing_ok=True)
    env = dict(os.environ, ARCH=platform.machine())
    result = subprocess.run(
        ["appimagetool", "--no-appstream", str(appdir), str(target)], capture_output=True, text=True, env=env
    )
    if result.returncode != 0:
        raise RuntimeError(f"appimagetool failed: {result.stderr.strip()[-2000:]}")
    return Artifact("appimage", target, f"run: ./{target.name}")


def build_linux_packages(
    bundle: Path,
    out: Path,
    work: Path,
    info: ProjectInfo,
    icons: IconSet,
    skip: set[str],
    maintainer: str,
    deb_compression: str = "zstd",
) -> list[Outcome]:
    """Every Linux package that can be built here, except the kinds in ``skip``; one outcome per kind.

    A package whose tool is missing is reported as :class:`Skipped` with the reason; a tool
    that is present but fails raises ``RuntimeError`` (a broken build must not look skipped).
    """
    outcomes: list[Outcome] = []
    capabilities = {kind: (ok, why) for kind, ok, why in linux_capabilities()}
    archive = out / f"{info.executable}-{info.version}-linux-{platform.machine()}.tar.gz"
    if "tar.gz" in skip:
        outcomes.append(Skipped("tar.gz", "skipped on request (--skip-archive)"))
    else:
        make_tar_gz(bundle, archive)
        outcomes.append(
            Artifact("tar.gz", archive, f"run: tar xzf {archive.name} && ./{bundle.name}/{info.executable}")
        )
    if "deb" in skip:
        outcomes.append(Skipped("deb", "skipped on request (--skip-deb)"))
    elif not capabilities["deb"][0]:
        outcomes.append(Skipped("deb", capabilities["deb"][1]))
    else:
        outcomes.append(build_deb(bundle, out, work, info, icons, maintainer, deb_compression))
    if "appdir" in skip:
        outcomes.append(Skipped("appdir", "skipped on request (--skip-appdir)"))
        outcomes.append(Skipped("appimage", "needs the AppDir, which was skipped"))
        return outcomes
    appdir = build_appdir(bundle, out, info, icons)
    outcomes.append(appdir)
    if capabilities["appimage"][0]:
        outcomes.append(build_appimage(appdir.path, out, info))
    else:
        outcomes.append(Skipped("appimage", capabilities["appimage"][1]))
    return outcomes


def extract_deb(deb: Path, target: Path) -> Path:
    """Unpack ``deb``'s files (not its control scripts) into ``target`` as ``dpkg -i`` would lay them out."""
    target.mkdir(parents=True, exist_ok=True)
    result = subprocess.run(["dpkg-deb", "-x", str(deb), str(target)], capture_output=True, text=True)
    if result.returncode != 0:
        raise RuntimeError(f"dpkg-deb -x {deb.name} failed: {result.stderr.strip()}")
    return target
