"""Start the Voila app: ``brobygger app``.

The page must work on a closed hospital network: Voila's default "lab"
template links icon fonts from a CDN, so the app runs with its own template,
made at start from the installed "lab" template without those links. Data
directory, tile source and language reach the notebook through environment
variables, so the notebook itself stays four cells.

Start-up time matters (the first view should be usable within 10 s): the
template is found without importing Voila, and Voila runs with the IRI
format checker of ``jsonschema`` switched off (see ``VOILA_MAIN``).

The server (``serve``, Voila with a few settings of its own) answers only
requests whose ``Host`` is this machine (``localhost``, ``127.0.0.1``,
``::1``) or a name given with ``--allow-host``, so a web page elsewhere
cannot reach it through DNS rebinding; it ends the kernel of a page that is
closed (Voila's page asks for that, with the ``_xsrf`` cookie the server now
sets) and any kernel left without a page for ``IDLE_KERNEL_MINUTES`` (or
``$BROBYGGER_IDLE_KERNEL_SECONDS``); it takes
uploads up to ``UPLOAD_LIMIT_MB`` (the page refuses larger ones, with a
message); and it serves on the port it was given or not at all. Behind the
sign-in's reverse proxy (``behind_proxy``) it also knows and requires the
person the proxy signed in, and no page of it can be framed elsewhere
(``matcher.ui.signin``).
"""

from __future__ import annotations

import ipaddress
import os
import re
import sys
from collections.abc import Collection, Iterable
from pathlib import Path
from typing import Any, NoReturn

import platformdirs

__all__ = [
    "ENV_ADDRESSES",
    "ENV_DATA",
    "ENV_GEOCODER",
    "ENV_IDLE_KERNEL_SECONDS",
    "ENV_LANG",
    "ENV_ROOTS",
    "ENV_TILES",
    "IDLE_KERNEL_MINUTES",
    "LOCAL_HOSTS",
    "UPLOAD_LIMIT_BYTES",
    "UPLOAD_LIMIT_MB",
    "VOILA_MAIN",
    "cull_options",
    "host_allowed",
    "local_hostnames",
    "notebook_path",
    "port_in_use",
    "prepare_template",
    "serve",
    "voila_command",
]

ENV_DATA = "BROBYGGER_DATA"
ENV_TILES = "BROBYGGER_TILES"
ENV_LANG = "BROBYGGER_LANG"
#: The address file (the Danish address register's CSV) the app looks up
#: street addresses in; without it, postal codes are found (offline) anyway.
ENV_ADDRESSES = "BROBYGGER_ADDRESSES"
#: A municipality's own geocoder, as ``package.module:factory``, asked after
#: the address file and before the postal codes.
ENV_GEOCODER = "BROBYGGER_GEOCODER"
#: The folders the page's data box may load from (``os.pathsep`` between them).
ENV_ROOTS = "BROBYGGER_DATA_ROOTS"
TEMPLATE = "brobygger"
#: The address the server listens on: this machine only.
BIND = "127.0.0.1"
#: Host names (and addresses) the server answers at any time.
LOCAL_HOSTS = ("localhost", "127.0.0.1", "::1")
#: The most an upload may weigh, all files picked at once together. The files
#: travel to the kernel in one websocket message; the server's limit for a
#: message is this plus room for the message's own fields, and must stay under
#: tornado's 100 MB read buffer.
UPLOAD_LIMIT_MB = 50
UPLOAD_LIMIT_BYTES = UPLOAD_LIMIT_MB * 1_000_000
WEBSOCKET_LIMIT_BYTES = UPLOAD_LIMIT_BYTES + 4 * 1024 * 1024
#: A kernel without a connected page is ended after this long without activity
#: (a page closed without telling the server: a crashed browser, a lost network).
IDLE_KERNEL_MINUTES = 15
CULL_INTERVAL_SECONDS = 60
#: Seconds instead of ``IDLE_KERNEL_MINUTES`` (a positive whole number), for a test
#: that waits for kernels without a page to be culled.
ENV_IDLE_KERNEL_SECONDS = "BROBYGGER_IDLE_KERNEL_SECONDS"
_CDN_LINK = re.compile(r"^.*<link[^>]+https?://[^>]+>.*\n", re.MULTILINE)
#: Where the page script goes in the template: before the notebook's cells.
_BODY_END = "{%- endblock body_header -%}"
#: A file picked in an upload control that is over the limit is never sent (the
#: kernel would not receive it: the server closes a websocket whose message is
#: too large); the page says so in the box next to the control instead. The
#: limit and the words come from the page (``views.data_view``), in its language.
#: The upload widget's file input is not in the document (its button clicks
#: it), so the check is added to each file input as it is clicked, ahead of the
#: widget's own handler, which it stops for a selection over the limit.
UPLOAD_GUARD = """<script>
(function () {
  function guard(event) {
    var input = event.target;
    var note = document.querySelector(".bb-upload-limit");
    var box = document.querySelector(".bb-upload-refused");
    if (!note || !box || !input.files) { return; }
    var total = 0;
    for (var i = 0; i < input.files.length; i++) { total += input.files[i].size; }
    if (total <= Number(note.dataset.limit)) { box.hidden = true; return; }
    event.stopImmediatePropagation();
    input.value = "";
    box.textContent = note.dataset.tooBig.replace("{size}", (total / 1e6).toFixed(1));
    box.hidden = false;
  }
  var click = HTMLInputElement.prototype.click;
  HTMLInputElement.prototype.click = function () {
    if (this.type === "file" && !this.bbGuarded) {
      this.bbGuarded = true;
      this.addEventListener("change", guard, true);
    }
    return click.apply(this, arguments);
  };
})();
</script>
"""


def notebook_path() -> Path:
    """The app notebook, ``notebook/brobygger.ipynb`` beside this module: package data,
    so an installed Brobygger has it too. It sits in a folder of its own because its
    kernel starts there, and a module beside it would hide a library of that name."""
    return Path(__file__).resolve().parent / "notebook" / "brobygger.ipynb"


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
    external stylesheet removed and the page's upload guard (``UPLOAD_GUARD``)
    added; everything else comes from "lab" and "base".
    """
    root = root or Path(platformdirs.user_cache_dir("brobygger")) / "jupyter"
    target = root / "voila" / "templates" / TEMPLATE
    target.mkdir(parents=True, exist_ok=True)
    lab = (_voila_templates() / "lab" / "index.html.j2").read_text(encoding="utf-8")
    if _BODY_END not in lab:
        raise RuntimeError(f"Voila's lab template has no {_BODY_END!r}: unknown Voila version")
    index = _CDN_LINK.sub("", lab).replace(_BODY_END, UPLOAD_GUARD + _BODY_END, 1)
    (target / "index.html.j2").write_text(index, encoding="utf-8")
    (target / "conf.json").write_text('{"base_template": "lab"}\n', encoding="utf-8")
    return root


#: How the app's process runs Voila (``python -m voila``, but quicker to start):
#: this file is run on its own (not as part of the ``matcher`` package, whose
#: import takes seconds) and its ``serve`` starts the server.
#: Importing Voila's server imports ``jsonschema``'s format checkers, and the one
#: for the ``iri`` format (``rfc3987_syntax``) builds dozens of parsers at import:
#: about 2 s of the app's start on a small machine (python-jsonschema/jsonschema
#: issue 1428). No schema of Jupyter's uses that format, so the process starts
#: with the module marked as absent, which ``jsonschema`` handles by leaving the
#: ``iri`` format unchecked.
VOILA_MAIN = (
    "import sys, importlib.util as u; sys.modules['rfc3987_syntax'] = None; "
    "sys.argv[0] = 'voila'; "
    f"s = u.spec_from_file_location('brobygger_voila', {str(Path(__file__).resolve())!r}); "
    "m = u.module_from_spec(s); sys.modules[s.name] = m; s.loader.exec_module(m); m.serve()"
)


def local_hostnames(bound: str = BIND, extra: Iterable[str] = ()) -> tuple[str, ...]:
    """The host names the server answers: this machine's, the address it is bound
    to, and ``extra`` (``--allow-host``, e.g. the name a reverse proxy passes on)."""
    names: list[str] = []
    for name in (*LOCAL_HOSTS, bound, *extra):
        name = name.strip().lower()
        if name and name not in names:
            names.append(name)
    return tuple(names)


def host_allowed(host: str, names: Collection[str]) -> bool:
    """Whether a request's ``Host`` header (``name`` or ``name:port``) is allowed:
    a loopback address, or one of ``names``. The same rule as Jupyter Server's own
    check (``JupyterHandler.check_host``), for the routes that do not make it."""
    match = re.match(r"^(.*?)(:\d+)?$", host)
    name = (match.group(1) if match else host).lower()
    if name.startswith("[") and name.endswith("]"):
        name = name[1:-1]
    try:
        return ipaddress.ip_address(name).is_loopback
    except ValueError:
        return name in names


def port_in_use(port: int, ip: str = BIND) -> bool:
    """Whether another program already listens on ``ip:port``."""
    import socket

    with socket.socket() as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)  # as the server does
        try:
            sock.bind((ip, port))
        except OSError:
            return True
    return False


def cull_options(idle_seconds: int | None = None) -> list[str]:
    """Voila's options that end a kernel whose page is gone: one without a connected
    page (``cull_connected`` off: an open page's kernel is never culled, however long
    it is idle) and idle for ``idle_seconds`` (default ``$BROBYGGER_IDLE_KERNEL_SECONDS``,
    else ``IDLE_KERNEL_MINUTES``), looked for every ``CULL_INTERVAL_SECONDS`` or, for
    a shorter timeout, every half of it. This catches the pages that went without
    telling the server (a crashed browser, a lost network, a page-close message that
    never arrived); a page that closes normally ends its kernel itself."""
    if idle_seconds is None:
        given = os.environ.get(ENV_IDLE_KERNEL_SECONDS, "").strip()
        idle_seconds = int(given) if given.isdigit() and int(given) > 0 else None
    if idle_seconds is None:
        idle_seconds = IDLE_KERNEL_MINUTES * 60
    interval = min(CULL_INTERVAL_SECONDS, max(1, idle_seconds // 2))
    return [
        f"--MappingKernelManager.cull_idle_timeout={idle_seconds}",
        f"--MappingKernelManager.cull_interval={interval}",
        "--MappingKernelManager.cull_connected=False",
    ]


def voila_command(
    port: int,
    open_browser: bool = False,
    allow_hosts: Iterable[str] = (),
    *,
    idle_seconds: int | None = None,
    ip: str = BIND,
    behind_proxy: bool = False,
) -> list[str]:
    """The command line that serves the app on ``port`` (localhost only, unless ``ip``
    is another address to listen on: all of a container's, ``0.0.0.0``); with
    ``behind_proxy``, only to the people the sign-in's reverse proxy names.

    The port is the one served or none (no retries on other ports); idle kernels
    without a page are culled (``cull_options``, after ``idle_seconds``);
    ``allow_hosts`` are the host names answered besides this machine's
    (``local_hostnames``).
    """
    return [
        sys.executable,
        "-c",
        VOILA_MAIN,
        str(notebook_path()),
        f"--port={port}",
        "--Voila.port_retries=0",
        f"--template={TEMPLATE}",
        f"--Voila.ip={ip}",
        "--VoilaConfiguration.show_tracebacks=False",
        *cull_options(idle_seconds),
        *(f"--BrobyggerVoila.allow_hosts={name}" for name in allow_hosts),
        *(["--BrobyggerVoila.behind_proxy=True"] if behind_proxy else []),
        *([] if open_browser else ["--no-browser"]),
    ]


def serve() -> None:
    """Run the Voila server (in the process ``VOILA_MAIN`` starts).

    Voila with three changes (and the culler passing over a kernel ended while it
    looks, ``_cull_only_kernels_still_there``): Jupyter Server's ``Host`` check is on (Voila turns
    it off: ``allow_remote_access``) with ``local_hostnames``, and the routes that
    are not Jupyter handlers (static files) make the same check; the page sets
    the ``_xsrf`` cookie, which Voila's page sends back when it is closed to end
    its kernel (without the cookie that request is refused and the kernel keeps
    running); and a websocket message may carry an upload of ``UPLOAD_LIMIT_MB``.
    With ``behind_proxy`` the user is the one the proxy's headers name, every route
    but Voila's static files refuses a request without them, and no page may be framed
    (``matcher.ui.signin``).
    """
    import tornado.web
    from jupyter_server.base.handlers import JupyterHandler
    from traitlets import Bool, List, Unicode
    from voila.app import Voila
    from voila.tornado.handler import TornadoVoilaHandler

    # (this file runs outside its package, see VOILA_MAIN)
    from matcher.ui.signin import FRAME_HEADERS, proxy_identity_provider, signed

    def guarded(handler: type, names: tuple[str, ...]) -> type:
        if issubclass(handler, TornadoVoilaHandler):

            class Page(handler):
                async def get(self, path: str | None = None) -> None:
                    self.xsrf_token  # noqa: B018 (sets the cookie the page sends on closing)
                    await super().get(path)

            return Page
        if issubclass(handler, JupyterHandler):
            return handler  # its prepare() checks the Host header

        class Checked(handler):
            def prepare(self) -> Any:
                if not host_allowed(self.request.host, names):
                    raise tornado.web.HTTPError(403)
                return super().prepare()

        return Checked

    class BrobyggerVoila(Voila):
        allow_hosts = List(
            Unicode(), help="Host names answered besides this machine's (a reverse proxy)."
        ).tag(config=True)
        behind_proxy = Bool(
            False, help="Behind the sign-in's reverse proxy: answer only whom it names."
        ).tag(config=True)

        def _names(self) -> tuple[str, ...]:
            return local_hostnames(self.ip, self.allow_hosts)

        def init_settings(self) -> dict[str, Any]:
            if self.behind_proxy:
                self.identity_provider_class = proxy_identity_provider()
            settings: dict[str, Any] = super().init_settings()
            if self.behind_proxy:
                settings["headers"] = dict(FRAME_HEADERS)
            settings["allow_remote_access"] = False
            settings["local_hostnames"] = list(self._names())
            settings["websocket_max_message_size"] = WEBSOCKET_LIMIT_BYTES
            return settings

        def init_handlers(self) -> list[Any]:
            names = self._names()
            handlers = [(h[0], guarded(h[1], names), *h[2:]) for h in super().init_handlers()]
            if self.behind_proxy:
                handlers = [(h[0], signed(h[1]), *h[2:]) for h in handlers]
            return handlers

    _cull_only_kernels_still_there()
    BrobyggerVoila.launch_instance()


def _cull_only_kernels_still_there() -> None:
    """Jupyter Server's culler goes through a copy of the kernel list and fails, with
    a traceback in the log, on a kernel that its page ended meanwhile (a ``KeyError``);
    such a kernel is gone already, so it is passed over."""
    from jupyter_server.services.kernels.kernelmanager import MappingKernelManager

    original = MappingKernelManager.cull_kernel_if_idle

    async def cull_if_still_there(self: Any, kernel_id: str) -> None:
        if kernel_id in self._kernels:
            await original(self, kernel_id)

    MappingKernelManager.cull_kernel_if_idle = cull_if_still_there  # type: ignore[method-assign]


def run(
    data: Path,
    port: int,
    tiles: str,
    lang: str,
    open_browser: bool,
    allow_hosts: Iterable[str] = (),
    roots: Iterable[Path] = (),
    *,
    addresses: Path | None = None,
    geocoder: str = "",
    listen: str = BIND,
    behind_proxy: bool = False,
) -> NoReturn:
    """Serve the app until interrupted: this process becomes Voila, so stopping it
    (Ctrl+C or a signal) stops the server and its kernels too. ``roots`` are the
    folders the page's data box may load from; ``addresses`` (the address
    register's CSV) and ``geocoder`` (``package.module:factory``) find the
    addresses typed on the Discharge tab; ``listen`` is the address served on;
    ``behind_proxy``: only to the people the sign-in's reverse proxy names."""
    jupyter_dir = prepare_template()
    env = dict(os.environ)
    env["JUPYTER_PATH"] = os.pathsep.join(
        p for p in (str(jupyter_dir), env.get("JUPYTER_PATH", "")) if p
    )
    env[ENV_DATA] = str(Path(data).resolve())
    env[ENV_ROOTS] = os.pathsep.join(str(Path(r).resolve()) for r in roots)
    env[ENV_TILES] = tiles
    env[ENV_LANG] = lang
    env[ENV_ADDRESSES] = str(Path(addresses).resolve()) if addresses else ""
    env[ENV_GEOCODER] = geocoder
    command = voila_command(port, open_browser, allow_hosts, ip=listen, behind_proxy=behind_proxy)
    sys.stdout.flush()
    sys.stderr.flush()
    os.execve(command[0], command, env)
