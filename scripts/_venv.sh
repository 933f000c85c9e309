# Shared by scripts/test and scripts/demo (sourced, not run): create or reuse ./.venv and
# install the project into it.
#
#   ensure_venv              -> creates/reuses $VENV with Python >= 3.11
#   install_project [EXTRA]  -> `pip install -e .[EXTRA]`, skipped while the stamp matches
#
# The stamp (.venv/.outpost-installed-<extra>) holds a hash of pyproject.toml and of the
# top-level packages that exist: setuptools' editable install for this flat layout maps only
# the top-level packages it found at install time, so a new one (say desktop/ gaining its
# __init__.py) needs a reinstall too, or `outpost` cannot import it.

REPO_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$REPO_ROOT/.venv"

_venv_say() { printf '%s: %s\n' "${SCRIPT_NAME:-outpost}" "$*"; }
_venv_die() { printf '%s: ERROR: %s\n' "${SCRIPT_NAME:-outpost}" "$*" >&2; exit 1; }

_python_ok() {  # is $1 a Python >= 3.11?
    "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' >/dev/null 2>&1
}

find_python() {
    local candidate
    for candidate in python3.11 python3; do
        if command -v "$candidate" >/dev/null && _python_ok "$candidate"; then
            command -v "$candidate"
            return 0
        fi
    done
    return 1
}

ensure_venv() {
    if [[ -x "$VENV/bin/python" ]] && _python_ok "$VENV/bin/python" \
        && "$VENV/bin/python" -m pip --version >/dev/null 2>&1; then
        _venv_say "reusing $VENV ($("$VENV/bin/python" --version))"
        return 0
    fi
    if [[ -e "$VENV" ]]; then
        _venv_say "existing $VENV is unusable: recreating it"
        rm -rf "$VENV"
    fi

    local python
    python="$(find_python)" || _venv_die "Outpost needs Python 3.11 or newer, but neither python3.11 nor
  python3 on PATH is one (python3 is $(python3 --version 2>&1 || echo 'missing')).
  On Debian 12: apt-get install python3 python3-venv"

    # Debian's own Python ships venv without ensurepip until pythonX.Y-venv is installed.
    if ! "$python" -c 'import ensurepip, venv' >/dev/null 2>&1; then
        local version
        version="$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')"
        _venv_say "$python cannot create a venv (no ensurepip): installing python${version}-venv"
        bash "$REPO_ROOT/scripts/install-system-deps.sh" "--python-venv=$version"
    fi

    _venv_say "creating $VENV with $("$python" -c 'import sys; print(sys.executable, sys.version.split()[0])')"
    "$python" -m venv "$VENV" || _venv_die "could not create $VENV with $python"
    # Keep the venv out of git without touching the project's .gitignore.
    printf '*\n' > "$VENV/.gitignore"
}

_install_fingerprint() {
    local pkg
    {
        cat "$REPO_ROOT/pyproject.toml"
        for pkg in "$REPO_ROOT"/*/__init__.py; do
            if [[ -e "$pkg" ]]; then printf 'package %s\n' "$(basename "$(dirname "$pkg")")"; fi
        done
    } | sha256sum | cut -d' ' -f1
}

_stamp_matches() {  # $1: extra name ("base" or "test")
    [[ -f "$VENV/.outpost-installed-$1" ]] && [[ "$(cat "$VENV/.outpost-installed-$1")" == "$2" ]]
}

install_project() {  # $1: optional extra, e.g. "test"
    local extra="${1:-}" stamp_name fingerprint target start
    stamp_name="${extra:-base}"
    fingerprint="$(_install_fingerprint)"
    # A venv installed with the test extra already holds everything the base install needs.
    if _stamp_matches "$stamp_name" "$fingerprint" \
        || { [[ "$stamp_name" == base ]] && _stamp_matches test "$fingerprint"; }; then
        _venv_say "project already installed in $VENV (pyproject.toml unchanged): skipping pip"
        return 0
    fi
    target="."
    if [[ -n "$extra" ]]; then target=".[$extra]"; fi
    local pip_opts=(--disable-pip-version-check)
    if [[ "${CI:-}" == true ]]; then pip_opts+=(--progress-bar off); fi
    _venv_say "pip install -e '$target' (takes a minute or two on a fresh venv: PySide6 is large)"
    start=$SECONDS
    (cd "$REPO_ROOT" && "$VENV/bin/python" -m pip install "${pip_opts[@]}" -e "$target") \
        || _venv_die "pip install -e '$target' failed (see pip's output above)"
    _venv_say "pip install took $((SECONDS - start)) s"
    rm -f "$VENV"/.outpost-installed-*
    printf '%s\n' "$fingerprint" > "$VENV/.outpost-installed-$stamp_name"
}
