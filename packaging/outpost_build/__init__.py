"""The build steps behind ``build_installer.py``: one module per concern, no Qt or app imports.

This folder is put on ``sys.path`` by ``build_installer.py`` (``packaging/`` itself is not a
package, so it can never shadow the PyPI ``packaging`` library that PyInstaller uses).

- :mod:`outpost_build.project`: name, version and description from ``pyproject.toml``;
  the source fingerprint that tells whether a built bundle matches the checkout.
- :mod:`outpost_build.qt_modules`: which PySide6 modules the app uses, which are excluded,
  which Qt files are dropped, and the server/dev packages kept out of the bundle.
- :mod:`outpost_build.icons`: PNG/ICO/ICNS application icons rendered from the SVG.
- :mod:`outpost_build.pyinstaller_build`: runs PyInstaller on ``packaging/outpost.spec``.
- :mod:`outpost_build.linux_artifacts`, :mod:`outpost_build.windows_artifacts`,
  :mod:`outpost_build.macos_artifacts`: the packages built around the one-folder bundle.
- :mod:`outpost_build.smoke`: runs the built binary as a user would.
"""
