#!/usr/bin/env bash
# Install the Debian/Ubuntu packages Outpost needs, and only those that are missing.
#
#   bash scripts/install-system-deps.sh [--qt] [--gui] [--postgres] [--mail] [--screenshots] [--browser] [--python-venv=X.Y]
#
#   --qt            libraries offscreen Qt needs (tests, QT_QPA_PLATFORM=offscreen)
#   --gui           --qt plus the xcb libraries a real window needs (on a machine with a display)
#   --screenshots   --gui plus xvfb, xauth and imagemagick (a real window on a virtual screen + `import`)
#   --postgres      the PostgreSQL server (Debian's `postgresql`: 15 on bookworm) used by the tests
#   --browser       Debian's chromium, which Playwright drives in the portal's browser test
#                   (never `playwright install`: it downloads browsers from outside)
#   --mail          Dovecot's IMAP server (`dovecot-imapd`), which the email channel's tests start
#   --python-venv=X.Y  pythonX.Y-venv, for Debian's own Python whose `venv` lacks ensurepip
#
# Idempotent: checks each package with dpkg-query first; runs `apt-get update` and
# `apt-get install` only when something is missing. Uses sudo only when not root.
# Set OUTPOST_SKIP_SYSTEM_DEPS=1 to skip this script entirely (you manage packages yourself).
set -euo pipefail

QT_PKGS=(libgl1 libegl1 libxkbcommon0 libglib2.0-0 libdbus-1-3 libfontconfig1 fonts-dejavu-core)
# Qt's xcb plugin reports "xcb-cursor0" even when icccm4/keysyms1 are what is missing: check with ldd.
GUI_PKGS=(libxcb-cursor0 libxcb-icccm4 libxcb-image0 libxcb-keysyms1 libxcb-render-util0 libxcb-shape0
          libxkbcommon-x11-0)
SCREENSHOT_PKGS=(xvfb xauth imagemagick)
POSTGRES_PKGS=(postgresql)
MAIL_PKGS=(dovecot-imapd)
BROWSER_PKGS=(chromium)

say() { printf 'install-system-deps: %s\n' "$*"; }
die() { printf 'install-system-deps: ERROR: %s\n' "$*" >&2; exit 1; }

usage() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "$0"; }

want_qt=0 want_gui=0 want_screenshots=0 want_postgres=0 want_mail=0 want_browser=0 venv_python=""
[[ $# -gt 0 ]] || { usage; exit 2; }
for arg in "$@"; do
    case "$arg" in
        --qt) want_qt=1 ;;
        --gui) want_gui=1 ;;
        --screenshots) want_screenshots=1 ;;
        --postgres) want_postgres=1 ;;
        --mail) want_mail=1 ;;
        --browser) want_browser=1 ;;
        --python-venv=*) venv_python="${arg#--python-venv=}" ;;
        -h|--help) usage; exit 0 ;;
        *) usage >&2; die "unknown option: $arg" ;;
    esac
done
# Each level needs the one below it: a screenshot needs a real window, a window needs Qt's base libs.
(( want_screenshots )) && want_gui=1
(( want_gui )) && want_qt=1

wanted=()
(( want_qt )) && wanted+=("${QT_PKGS[@]}")
(( want_gui )) && wanted+=("${GUI_PKGS[@]}")
(( want_screenshots )) && wanted+=("${SCREENSHOT_PKGS[@]}")
(( want_postgres )) && wanted+=("${POSTGRES_PKGS[@]}")
(( want_mail )) && wanted+=("${MAIL_PKGS[@]}")
(( want_browser )) && wanted+=("${BROWSER_PKGS[@]}")
if [[ -n "$venv_python" ]]; then
    [[ "$venv_python" =~ ^3\.[0-9]+$ ]] || die "--python-venv expects a version like 3.11, got '$venv_python'"
    wanted+=("python${venv_python}-venv")
fi

if [[ "${OUTPOST_SKIP_SYSTEM_DEPS:-}" == 1 ]]; then
    say "OUTPOST_SKIP_SYSTEM_DEPS=1: not checking or installing: ${wanted[*]}"
    exit 0
fi

if ! command -v dpkg-query >/dev/null || ! command -v apt-get >/dev/null; then
    say "WARNING: not a Debian/Ubuntu system (no dpkg-query/apt-get); install the equivalents of:"
    say "  ${wanted[*]}"
    exit 0
fi

missing=()
for pkg in "${wanted[@]}"; do
    status="$(dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null || true)"
    [[ "$status" == "install ok installed" ]] || missing+=("$pkg")
done

if (( ${#missing[@]} == 0 )); then
    say "all ${#wanted[@]} system packages already installed"
    exit 0
fi

if (( EUID == 0 )); then
    as_root=()
elif command -v sudo >/dev/null; then
    as_root=(sudo)
else
    die "not root and sudo is not installed; as root run: apt-get install ${missing[*]}"
fi

say "missing: ${missing[*]}"
start=$SECONDS
export DEBIAN_FRONTEND=noninteractive
say "running apt-get update"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get update -q \
    || die "apt-get update failed (network or apt sources?)"
say "running apt-get install --no-install-recommends ${missing[*]}"
"${as_root[@]}" env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends "${missing[@]}" \
    || die "apt-get install failed for: ${missing[*]}"
say "installed ${#missing[@]} package(s) in $((SECONDS - start)) s"
