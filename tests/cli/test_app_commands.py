"""``brobygger app`` up to the point where it becomes the server: its options are checked
(port, hosts, data roots, language) and the address it prints is the one served."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner


@pytest.fixture()
def launched(monkeypatch: pytest.MonkeyPatch) -> list[tuple[Any, ...]]:
    """``brobygger app`` up to the point where it becomes the server: the arguments."""
    from matcher.ui import launch

    calls: list[tuple[Any, ...]] = []
    monkeypatch.setattr(launch, "run", lambda *args, **finders: calls.append((*args, finders)))
    return calls


def _app(*args: str) -> Any:
    from matcher.cli import app

    return CliRunner().invoke(app, ["app", "--tiles", "none", *args])


def test_a_taken_port_given_with_port_stops_the_command(launched: list[Any]) -> None:
    """``--port N`` with N taken: exit 2 with one line naming --port; no server."""
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _app("--port", str(port))
    assert result.exit_code == 2, result.output
    assert f"--port:-:-: port {port} on 127.0.0.1 is already in use" in result.output
    assert "Traceback" not in result.output and launched == []
    result = _app("--port", "70000")
    assert result.exit_code == 2 and "Traceback" not in result.output and launched == []


def test_the_address_printed_is_the_one_served(
    launched: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Without --port, a taken default port gives another free port, and the address
    printed is the port the server is started on."""
    from matcher.cli import app_commands

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        monkeypatch.setattr(app_commands, "DEFAULT_PORT", taken.getsockname()[1])
        result = _app()
    assert result.exit_code == 0, result.output
    served = launched[0][1]
    assert served != app_commands.DEFAULT_PORT
    assert f"http://127.0.0.1:{served}/" in result.output


def test_allow_host_and_data_root_are_checked(launched: list[Any], tmp_path: Path) -> None:
    """--allow-host takes host names (not a port, not a remote address) and
    --data-root a folder; mistakes give exit 2 and start nothing. The data roots
    are the --data folder's parent and each --data-root."""
    result = _app("--allow-host", "proxy:80", "--allow-host", "10.0.0.5")
    result2 = _app("--data-root", str(tmp_path / "missing"))
    assert result.exit_code == 2 and result2.exit_code == 2 and launched == []
    assert "--allow-host:-:-: 'proxy:80' is not a host name" in result.output
    assert "--allow-host:-:-: '10.0.0.5' is an address" in result.output
    assert f"--data-root:-:-: {tmp_path / 'missing'} is not a folder" in result2.output
    result = _app("--allow-host", "Brobygger.Example.org", "--data-root", str(tmp_path))
    assert result.exit_code == 0, result.output
    (data, _, _, _, _, hosts, roots, _) = launched[0]
    assert hosts == ["brobygger.example.org"]
    assert roots == [Path(data).resolve().parent, tmp_path.resolve()]


def test_a_language_other_than_da_or_en_is_refused(launched: list[Any]) -> None:
    """--lang takes da or en; anything else is exit 2 naming --lang, and no server."""
    result = _app("--lang", "sv")
    assert result.exit_code == 2, result.output
    assert "--lang:-:-: 'sv' is not da or en" in result.output
    assert launched == []
    assert _app("--lang", "en").exit_code == 0 and launched[0][3] == "en"


@pytest.mark.parametrize("host", ["localhost", "127.0.0.1", "[::1]", "bro-bygger.example.org."])
def test_host_names_and_this_machines_addresses_are_allowed(host: str) -> None:
    """A host name or a loopback address can be an --allow-host."""
    from matcher.cli.app_commands import _host_problem

    assert _host_problem(host) is None


def test_an_address_file_and_a_geocoder_are_checked_before_the_server_starts(
    launched: list[Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--addresses with a wrong cell and --geocoder that cannot be imported give exit 2,
    naming the file's row and column and --geocoder; good ones reach the server."""
    bad = tmp_path / "adgangsadresser.csv"
    bad.write_text(
        "vejnavn,husnr,postnr,postnrnavn,wgs84koordinat_bredde,wgs84koordinat_længde\n"
        "Vestergade,12,5000,Odense C,55.3959,10.3831\n"
        "Vestergade,14,50000,Odense C,55.3961,10.3825\n",
        encoding="utf-8",
    )
    result = _app("--addresses", str(bad), "--geocoder", "no_such_town_module:geocoder")
    assert result.exit_code == 2 and launched == [] and "Traceback" not in result.output
    assert f"{bad}:3:postnr: '50000' is not a postal code" in result.output
    assert "--geocoder:-:-: cannot use the geocoder 'no_such_town_module:geocoder'" in (
        result.output
    )
    good = tmp_path / "good.csv"
    good.write_text(bad.read_text(encoding="utf-8").replace("50000", "5000"), encoding="utf-8")
    (tmp_path / "town_geo.py").write_text(
        "class Town:\n    def locate(self, text):\n        return None\n\n\n"
        "def geocoder():\n    return Town()\n"
    )
    monkeypatch.syspath_prepend(str(tmp_path))
    result = _app("--addresses", str(good), "--geocoder", "town_geo:geocoder")
    assert result.exit_code == 0, result.output
    assert launched[0][-1] == {"addresses": good, "geocoder": "town_geo:geocoder"}


@pytest.mark.parametrize(
    ("lang", "words"),
    [("en", "The app needs the packages of brobygger[app]"), ("da", "Appen kræver pakkerne")],
)
def test_the_app_without_its_packages_says_how_to_install_them(
    launched: list[Any], monkeypatch: pytest.MonkeyPatch, lang: str, words: str
) -> None:
    """Without the app extra's packages, ``brobygger app`` names those missing and
    `pip install "brobygger[app]"` in the command line's language: exit 2, no traceback."""
    import sys

    monkeypatch.setenv("BROBYGGER_LANG", lang)
    monkeypatch.setitem(sys.modules, "ipyleaflet", None)  # as if not installed
    monkeypatch.setitem(sys.modules, "anywidget", None)
    result = _app()
    assert result.exit_code == 2, result.output
    assert words in result.output
    assert "ipyleaflet, anywidget" in result.output
    assert 'pip install "brobygger[app]"' in result.output
    assert "Traceback" not in result.output and launched == []


def test_listen_takes_an_address_and_passes_it_on(launched: list[Any]) -> None:
    """--listen takes an IP address (exit 2 naming --listen otherwise); another than
    127.0.0.1 reaches the server, as a container needs, behind the sign-in's proxy."""
    result = _app("--listen", "everywhere")
    assert result.exit_code == 2 and launched == [] and "Traceback" not in result.output
    assert "--listen:-:-: 'everywhere' is not an IP address to listen on" in result.output
    result = _app("--listen", "0.0.0.0", "--behind-proxy")
    assert result.exit_code == 0, result.output
    assert launched[0][-1]["listen"] == "0.0.0.0"


@pytest.mark.parametrize("address", ["0.0.0.0", "::", "10.0.0.5", "192.168.1.20"])
def test_beyond_this_machine_without_the_proxy_or_insecure_open_is_refused(
    launched: list[Any], address: str
) -> None:
    """Listening on an address that is not loopback without --behind-proxy or
    --insecure-open is exit 2, naming --listen and both ways of doing it right."""
    result = _app("--listen", address)
    assert result.exit_code == 2, result.output
    assert f"--listen:-:-: {address} would serve the app, without sign-in" in result.output
    assert "--behind-proxy" in result.output and "deploy/nginx.conf" in result.output
    assert "--insecure-open" in result.output and "BROBYGGER_BEHIND_PROXY=1" in result.output
    assert "Traceback" not in result.output and launched == []


@pytest.mark.parametrize("address", ["127.0.0.1", "::1", "127.0.0.2"])
def test_this_machine_needs_neither_flag(address: str) -> None:
    """A loopback address is served as asked, without --behind-proxy or --insecure-open."""
    from matcher.cli.app_commands import open_problem

    assert open_problem(address, behind_proxy=False, insecure_open=False) is None
    assert open_problem("0.0.0.0", behind_proxy=False, insecure_open=False) is not None


def test_the_check_lets_the_proxy_or_an_explicit_open_app_listen_everywhere() -> None:
    """0.0.0.0 is allowed behind the proxy or with --insecure-open, but not both at once."""
    from matcher.cli.app_commands import open_problem

    assert open_problem("0.0.0.0", behind_proxy=True, insecure_open=False) is None
    assert open_problem("0.0.0.0", behind_proxy=False, insecure_open=True) is None
    both = open_problem("127.0.0.1", behind_proxy=True, insecure_open=True)
    assert both is not None and both.file == "--insecure-open"


def test_behind_the_proxy_the_server_is_told_so_and_the_headers_are_named(
    launched: list[Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    """--behind-proxy (or BROBYGGER_BEHIND_PROXY=1) reaches the server, and the command
    names the headers it trusts; without it the server is not told."""
    from matcher.ui.signin import ROLE_HEADER, SUBJECT_HEADER

    assert _app().exit_code == 0 and "behind_proxy" not in launched[0][-1]
    monkeypatch.setenv("BROBYGGER_BEHIND_PROXY", "1")
    result = _app("--listen", "0.0.0.0")
    assert result.exit_code == 0, result.output
    assert launched[1][-1]["behind_proxy"] is True
    assert ROLE_HEADER in result.output and SUBJECT_HEADER in result.output


def test_insecure_open_serves_but_warns_loudly(launched: list[Any]) -> None:
    """--insecure-open starts the server on 0.0.0.0 with a warning naming the address,
    and does not put it behind the proxy; with --behind-proxy too it is exit 2."""
    result = _app("--listen", "0.0.0.0", "--insecure-open", "--port", "0")
    assert result.exit_code == 0, result.output
    assert "WARNING: the app is open, without sign-in" in result.output
    assert "0.0.0.0:" in result.output and "behind_proxy" not in launched[0][-1]
    result = _app("--listen", "0.0.0.0", "--insecure-open", "--behind-proxy")
    assert result.exit_code == 2 and len(launched) == 1
    assert "--insecure-open:-:-:" in result.output
