"""MkDocs hook: the command-line reference, made from the ``brobygger`` commands.

A line ``<!-- cli-reference -->`` on a page becomes a table of every command
and, per command, its usage, its help and a table of its arguments and
options with their defaults: the same texts ``brobygger COMMAND --help``
prints in English, read from the Typer app itself, so the page always names
every command and option there is.
"""

from __future__ import annotations

import os
from typing import Any

MARKER = "<!-- cli-reference -->"
#: The words for a parameter's Python type, as ``--help`` names them.
TYPES = {"Path": "path", "str": "text", "int": "integer", "float": "number", "bool": "yes/no"}


def _cell(text: object) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def _is_argument(param: Any) -> bool:
    return getattr(param, "param_type_name", "") == "argument"


def _kind(param: Any) -> str:
    # Typer's own parameters describe their type; click's name it
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    click_type = getattr(param, "type", None)
    name = getattr(annotation, "__name__", None) or getattr(click_type, "name", "")
    kind = TYPES.get(str(name), str(name))
    low, high = getattr(param, "min", None), getattr(param, "max", None)
    if low is not None and high is not None:
        return f"{kind}, {low} to {high}"
    if low is not None:
        return f"{kind}, at least {low}"
    if high is not None:
        return f"{kind}, at most {high}"
    return kind


def _names(param: Any) -> str:
    if _is_argument(param):
        return f"`{(param.metavar or param.name or '').upper()}`"
    names = ", ".join(f"`{name}`" for name in param.opts)
    if param.secondary_opts:
        names += " / " + ", ".join(f"`{name}`" for name in param.secondary_opts)
    return names


def _default(param: Any) -> str:
    if param.required:
        return "required"
    default = param.default
    if callable(default) or default is None or default in ((), []):
        return ""
    if getattr(param, "is_flag", False):
        if not param.secondary_opts:
            return "on" if default else ""
        return f"`{param.opts[0] if default else param.secondary_opts[0]}`"
    return f"`{default}`"


def _usage(path: str, command: Any) -> str:
    pieces = [path]
    if hasattr(command, "commands"):
        pieces.append("COMMAND")
    shown = [param for param in command.params if not getattr(param, "hidden", False)]
    if any(not _is_argument(param) for param in shown):
        pieces.append("[OPTIONS]")
    for param in shown:
        if _is_argument(param):
            name = (param.metavar or param.name or "").upper()
            name += "..." if param.nargs == -1 else ""
            pieces.append(name if param.required else f"[{name}]")
    return " ".join(pieces)


def _command(path: str, command: Any, level: int) -> list[str]:
    lines = [f"{'#' * level} {path}", ""]
    if command.help:
        lines += [command.help.strip(), ""]
    lines += ["```", _usage(path, command), "```", ""]
    rows = [param for param in command.params if not getattr(param, "hidden", False)]
    if rows:
        lines += ["| argument or option | what it is | type | default |", "|---|---|---|---|"]
        for param in rows:
            meaning = _cell(getattr(param, "help", None) or "")
            names, kind, default = _names(param), _cell(_kind(param)), _default(param)
            lines.append(f"| {names} | {meaning} | {kind} | {default} |")
        lines.append("")
    for name, sub in getattr(command, "commands", {}).items():
        if not getattr(sub, "hidden", False):
            lines += _command(f"{path} {name}", sub, level + 1)
    return lines


def reference() -> str:
    """The reference of every ``brobygger`` command as Markdown, in English."""
    os.environ.pop("BROBYGGER_LANG", None)
    import typer

    from matcher.cli import app

    group = typer.main.get_command(app)
    commands = {
        name: command
        for name, command in group.commands.items()  # type: ignore[attr-defined]
        if not getattr(command, "hidden", False)
    }
    lines = ["| command | what it does |", "|---|---|"]
    for name, command in commands.items():
        summary = _cell(command.get_short_help_str(limit=200))
        lines.append(f"| [`brobygger {name}`](#brobygger-{name}) | {summary} |")
    lines.append("")
    for name, command in commands.items():
        lines += _command(f"brobygger {name}", command, 2)
    return "\n".join(lines)


def on_page_markdown(markdown: str, *, page: Any, config: Any, files: Any) -> str:
    """Put the reference where a page has the marker line."""
    if MARKER not in markdown:
        return markdown
    from mkdocs.exceptions import PluginError

    try:
        made = reference()
    except Exception as error:  # a command module that does not import stops the build
        raise PluginError(f"{page.file.src_uri}: cannot read the commands: {error!r}") from error
    return markdown.replace(MARKER, made)
