"""The app behind the service's sign-in, as deployed: deploy/nginx.conf asks the
service's /auth/verify before passing a request on, and compose.yaml runs the proxy,
the service and the app so that the browser reaches the proxy only."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import matcher
from matcher.service.auth_verify import ROLE_HEADER, SUBJECT_HEADER

ROOT = Path(matcher.__file__).resolve().parents[1]
NGINX = (ROOT / "deploy" / "nginx.conf").read_text(encoding="utf-8")
#: nginx.conf without its comments
DIRECTIVES = "\n".join(line.split("#", 1)[0] for line in NGINX.splitlines())
SERVICES: dict[str, Any] = yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))[
    "services"
]


def _blocks(keyword: str) -> dict[str, str]:
    """The bodies of nginx's ``keyword NAME { ... }`` blocks (no nested braces), by NAME."""
    found = re.finditer(rf"{keyword}\s+(=\s*)?(\S+)\s*\{{([^{{}}]*)\}}", DIRECTIVES)
    return {m.group(2): m.group(3) for m in found}


def _option(command: list[Any], name: str) -> str:
    return str(command[command.index(name) + 1])


def test_every_request_to_the_app_is_first_verified_by_the_service() -> None:
    """The app's location asks an internal location by ``auth_request``, and that one
    asks the service's /auth/verify with GET, the Authorization header and the cookies."""
    locations = _blocks("location")
    app = locations["/"]
    asked = re.search(r"auth_request\s+(\S+);", app)
    assert asked, app
    verify = locations[asked.group(1)]
    assert re.search(r"^\s*internal;", verify, re.M)
    assert re.search(r"proxy_pass\s+http://brobygger_service/auth/verify;", verify)
    assert "proxy_method GET;" in verify
    assert "$http_authorization" in verify and "$http_cookie" in verify
    assert re.search(r"proxy_pass\s+http://brobygger_app;", app)


def test_the_app_gets_the_role_and_subject_the_service_named_and_never_the_token() -> None:
    """The proxy sets the identity headers from the service's answer (replacing any a
    browser sent) and does not pass the token on to the app."""
    app = _blocks("location")["/"]
    for header in (ROLE_HEADER, SUBJECT_HEADER):
        variable = re.search(
            rf"auth_request_set\s+(\$\w+)\s+\$upstream_http_{header.lower().replace('-', '_')};",
            app,
        )
        assert variable, header
        assert re.search(rf"proxy_set_header\s+{header}\s+\{variable.group(1)};", app)
    assert re.search(r'proxy_set_header\s+Authorization\s+"";', app)
    assert "proxy_set_header Upgrade $http_upgrade;" in app  # the app's websockets


def test_a_request_without_sign_in_is_sent_to_the_services_sign_in_page() -> None:
    """A 401 of the check sends the browser to /auth/sign-in, and that page and signing
    out are passed to the service without the check."""
    locations = _blocks("location")
    named = re.search(r"error_page\s+401\s+=\s*(@\w+);", locations["/"])
    assert named and "return 303 /auth/sign-in;" in locations[named.group(1)]
    for path in ("/auth/sign-in", "/auth/sign-out"):
        assert re.search(r"proxy_pass\s+http://brobygger_service;", locations[path]), path
        assert "auth_request" not in locations[path]


def test_no_page_behind_the_proxy_can_be_framed_elsewhere() -> None:
    """Every answer of the proxy (errors too) forbids framing by another site."""
    assert re.search(
        r"add_header\s+Content-Security-Policy\s+\"frame-ancestors 'none'\"\s+always;",
        DIRECTIVES,
    )


def test_the_proxys_upstreams_and_port_are_those_of_compose() -> None:
    """nginx reaches the app and the service by their compose names on the ports they
    serve, listens on the port compose publishes, and is mounted where nginx reads it."""
    upstreams = _blocks("upstream")
    app_port = _option(SERVICES["app"]["command"], "--port")
    service = SERVICES["service"]
    assert f"server app:{app_port};" in upstreams["brobygger_app"]
    assert (
        f"server service:{_option(service['command'], '--port')};" in upstreams["brobygger_service"]
    )
    listen = re.search(r"listen\s+(\d+);", DIRECTIVES)
    proxy = SERVICES["proxy"]
    assert listen and proxy["ports"][0].endswith(f":{listen.group(1)}")
    mounted = proxy["volumes"][0].split(":")
    assert mounted[0] == "./deploy/nginx.conf" and mounted[1].startswith("/etc/nginx/conf.d/")
    assert set(proxy["depends_on"]) == {"app", "service"}


def test_the_service_of_compose_signs_in_with_a_token_file_it_keeps(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """compose.yaml's service is a ``brobygger serve`` the command line accepts, on every
    address of its container, with a token file on the volume the token command writes,
    and not published on the host."""
    from matcher.cli import app, serve_commands
    from matcher.service import add_token

    service = SERVICES["service"]
    tokens = _option(service["command"], "--tokens")
    volume = next(v for v in service["volumes"] if tokens.startswith(v.split(":")[1] + "/"))
    assert (
        volume.split(":")[0]
        in yaml.safe_load((ROOT / "compose.yaml").read_text(encoding="utf-8"))["volumes"]
    )
    assert "ports" not in service
    local = tmp_path / "tokens.toml"
    add_token(local, "fys-ab", "physiotherapist", "*")
    given = [
        str(local) if a == tokens else str(tmp_path) if a == "/data" else str(a)
        for a in service["command"]
    ]
    started: list[tuple[Any, ...]] = []
    monkeypatch.setattr(serve_commands, "_run", lambda *args: started.append(args))
    result = CliRunner().invoke(app, given)
    assert result.exit_code == 0, result.output
    config, host, port = started[0]
    assert config.signs_in and host == "0.0.0.0"
    assert f"127.0.0.1:{port}/health" in " ".join(service["healthcheck"]["test"])


def test_the_image_runs_the_app_behind_the_proxy_and_carries_the_service() -> None:
    """The image's default command puts the app behind the proxy, and the image installs
    the service's packages (the api extra) for ``brobygger serve``."""
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    command = json.loads(re.findall(r"^CMD (.*)$", dockerfile, re.M)[-1])
    assert command[0] == "app" and "--behind-proxy" in command
    assert re.search(r"brobygger\[[a-z,]*\bapi\b[a-z,]*\]", dockerfile)


def test_nginx_accepts_the_configuration(tmp_path: Path) -> None:
    """``nginx -t`` reads deploy/nginx.conf (inside an http block, its upstreams pointed at
    this machine since compose's names do not resolve here) without an error."""
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if Path(p).exists()), None
    )
    if nginx is None:
        pytest.skip("nginx is not installed here (the container image brings its own)")
    site = tmp_path / "site.conf"
    site.write_text(re.sub(r"server (app|service):", "server 127.0.0.1:", NGINX), "utf-8")
    temp = tmp_path / "temp"
    temp.mkdir()
    main = tmp_path / "nginx.conf"
    main.write_text(
        f"pid {tmp_path / 'nginx.pid'};\nerror_log {tmp_path / 'error.log'};\nevents {{}}\n"
        f"http {{\n  client_body_temp_path {temp};\n  proxy_temp_path {temp};\n"
        f"  include {site};\n}}\n",
        encoding="utf-8",
    )
    checked = subprocess.run(
        [nginx, "-t", "-p", str(tmp_path), "-c", str(main)],
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert checked.returncode == 0, checked.stderr
