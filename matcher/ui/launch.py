"""Start the Voila app: ``brobygger app``.

The page must work on a closed hospital network: Voila's default "lab"
template links icon fonts from a CDN, so the app runs with its own template,
made at start from the installed "lab" template without those links. Data
directory, tile source and language reach the notebook through environment
variables, so the notebook itself stays four cells.

Start-up time matters (the first view should be usable within 10 s): the
template is found without importing Voila, and Voila runs with the IRI
format checker of ``jsonschema`` switched off (see ``VOILA_MAIN``).
"""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path
from typing import NoReturn

import platformdirs

__all__ = [
    "ENV_DATA",
    "ENV_LANG",
    "ENV_TILES",
    "VOILA_MAIN",
    "notebook_path",
    "prepare_template",
    "voila_command",
]

ENV_DATA = "BROBYGGER_DATA"
ENV_TILES = "BROBYGGER_TILES"
ENV_LANG = "BROBYGGER_LANG"
TEMPLATE = "brobygger"
_CDN_LINK = re.compile(r"^.*<link[^>]+https?://[^>]+>.*\n", re.MULTILINE)


def notebook_path() -> Path:
    """The app notebook, ``apps/brobygger.ipynb`` of the source tree."""
    return Path(__file__).resolve().parents[2] / "apps" / "brobygger.ipynb"


def _voila_templates() -> Path:
    """Voila's installed templates, found without importing Voila (which takes
    seconds, see ``VOILA_MAIN``)."""
    prefix = Path(sys.prefix) / "share" / "jupyter" / "voila" / "templates"
    if prefix.is_dir():
        return prefix
    import importlib.util

    spec = importlib.util.find_spec("voila")
    if spec is None or spec.origin is None:
        raise RuntimeError("Voila is not installed: pip install voila")
    return Path(spec.origin).resolve().parents[4] / "share" / "jupyter" / "voila" / "templates"


def prepare_template(root: Path | None = None) -> Path:
    """Write the offline template; return the Jupyter data dir that holds it.

    The template is Voila's installed "lab" template with every link to an
    external stylesheet removed; everything else comes from "lab" and "base".
    """
    root = root or Path(platformdirs.user_cache_dir("brobygger")) / "jupyter"
    target = root / "voila" / "templates" / TEMPLATE
    target.mkdir(parents=True, exist_ok=True)
    lab = (_voila_templates() / "lab" / "index.html.j2").read_text(encoding="utf-8")
    (target / "index.html.j2").write_text(_CDN_LINK.sub("", lab), encoding="utf-8")
    (target / "conf.json").write_text('{"base_template": "lab"}\n', encoding="utf-8")
    return root


#: How the app's process runs Voila (``python -m voila``, but quicker to start).
#: Importing Voila's server imports ``jsonschema``'s format checkers, and the one
#: for the ``iri`` format (``rfc3987_syntax``) builds dozens of parsers at import:
#: about 2 s of the app's start on a small machine (python-jsonschema/jsonschema
#: issue 1428). No schema of Jupyter's uses that format, so the process starts
#: with the module marked as absent, which ``jsonschema`` handles by leaving the
#: ``iri`` format unchecked.
VOILA_MAIN = (
    "import sys; sys.modules['rfc3987_syntax'] = None; sys.argv[0] = 'voila'; "
    "from voila.app import main; main()"
)


def voila_command(port: int, open_browser: bool = False) -> list[str]:
    """The command line that serves the app on ``port`` (localhost only)."""
    return [
        sys.executable,
        "-c",
        VOILA_MAIN,
        str(notebook_path()),
        f"--port={port}",
        f"--template={TEMPLATE}",
        "--Voila.ip=127.0.0.1",
        "--VoilaConfiguration.show_tracebacks=False",
        *([] if open_browser else ["--no-browser"]),
    ]


def run(data: Path, port: int, tiles: str, lang: str, open_browser: bool) -> NoReturn:
    """Serve the app until interrupted: this process becomes Voila, so stopping it
    (Ctrl+C or a signal) stops the server and its kernels too."""
    jupyter_dir = prepare_template()
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(jupyter_dir), env.get("JUPYTER_PATH", "")) if p
    )
    env[ENV_DATA] = str(Path(data).resolve())
    env[ENV_TILES] = tiles
    env[ENV_LANG] = lang
    command = voila_command(port, open_browser)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(command[0], command, env)
