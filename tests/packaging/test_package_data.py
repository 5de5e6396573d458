"""What a built wheel carries and needs, read from pyproject.toml: every file of the
package that is not Python, the one version, and the extras that keep Jupyter off a
server that only plans. (The wheel itself is built, installed and run by
scripts/check_wheel.sh in CI.)"""

from __future__ import annotations

import re
import tomllib
from fnmatch import fnmatch
from pathlib import Path

import matcher

PACKAGE = Path(matcher.__file__).resolve().parent
PYPROJECT = tomllib.loads((PACKAGE.parent / "pyproject.toml").read_text(encoding="utf-8"))
PROJECT = PYPROJECT["project"]
EXTRAS = PROJECT["optional-dependencies"]


def _name(requirement: str) -> str:
    """The distribution a requirement names, without extras or versions."""
    match = re.match(r"[A-Za-z0-9._-]+", requirement)
    assert match, requirement
    return match.group(0).lower()


def test_every_file_of_the_package_that_is_not_python_is_package_data() -> None:
    """Every file under matcher/ that is not a Python module (the notebook, templates,
    catalogues, migrations' files, tables) matches a package-data pattern, so the wheel
    carries it."""
    patterns = PYPROJECT["tool"]["setuptools"]["package-data"]["matcher"]
    every = [
        path.relative_to(PACKAGE).as_posix()
        for path in PACKAGE.rglob("*")
        if path.is_file() and "__pycache__" not in path.parts
    ]
    files = [f for f in every if not f.endswith(".py")]
    assert "ui/notebook/brobygger.ipynb" in files
    left_out = [f for f in files if not any(fnmatch(f, pattern) for pattern in patterns)]
    assert left_out == []
    unused = [p for p in patterns if not any(fnmatch(f, p) for f in every)]
    assert unused == []  # a pattern for files that are not there (as demo_data/* was)


def test_the_version_is_written_once() -> None:
    """The wheel's version is matcher.__version__, read from the source: pyproject.toml
    writes none of its own."""
    assert "version" not in PROJECT and "version" in PROJECT["dynamic"]
    dynamic = PYPROJECT["tool"]["setuptools"]["dynamic"]["version"]
    assert dynamic == {"attr": "matcher.__version__"}
    assert re.fullmatch(r"\d+\.\d+\.\d+([ab]\d+|rc\d+)?", matcher.__version__)


def test_the_app_stack_is_an_extra_and_what_brobygger_app_looks_for() -> None:
    """Voila, the widgets and the kernel are the app extra (not core dependencies), the
    same packages ``brobygger app`` checks for before it starts; dev pulls in app and
    postgres, so the Makefile's .[dev] can run the app and the tests."""
    from matcher.cli.app_commands import APP_MODULES

    core = {_name(r) for r in PROJECT["dependencies"]}
    app = {_name(r) for r in EXTRAS["app"]}
    assert app == set(APP_MODULES)
    assert not core & (app | {"jupyter", "jupyterlab", "notebook", "jupyter-server"})
    assert {_name(r) for r in EXTRAS["postgres"]} == {"psycopg2-binary"}
    assert {_name(r) for r in EXTRAS["api"]} == {"fastapi", "uvicorn", "pyjwt"}
    assert "brobygger[app,postgres,api,scale,fhir,docs]" in EXTRAS["dev"]


def test_the_license_is_declared_and_shipped() -> None:
    """The MIT licence declared in pyproject.toml is a LICENSE file the wheel includes."""
    assert PROJECT["license"] == "MIT"
    assert PROJECT["license-files"] == ["LICENSE"]
    text = (PACKAGE.parent / "LICENSE").read_text(encoding="utf-8")
    assert text.startswith("MIT License") and "WITHOUT WARRANTY OF ANY KIND" in text
