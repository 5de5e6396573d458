"""Who calls the service: bearer tokens from a local token file, or JWTs.

A **token file** (TOML) serves one machine. Each ``[[token]]`` holds the
SHA-256 of a token (never the token itself), the ``actor`` written to the
audit log (a staff pseudonym or initials code, never a name), one ``role``
and a ``municipality`` (a code such as ``0461``, or ``*`` for every one)::

    [[token]]
    actor = "fys-ab"
    role = "physiotherapist"
    municipality = "0461"
    sha256 = "9f86d08..."

``add_token`` makes a token, appends its line to the file and returns the
token, which is shown once. For a real deployment the service checks **JWTs**
(``JwtSettings``: issuer, audience, key, algorithms) signed by the
organisation's sign-in: claim ``role`` (or ``roles``, a list), ``municipality``
and ``sub`` (or ``brobygger_actor``) for the actor.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import tomllib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InputError, Problem
from ..privacy import PSEUDONYM
from ..store import Actor, check_pseudonym
from ..words.problems import problem

__all__ = [
    "ANY_MUNICIPALITY",
    "LOCAL",
    "ROLES",
    "JwtSettings",
    "Principal",
    "TokenBook",
    "add_token",
    "hash_token",
]

#: The roles a caller may hold.
ROLES = ("physiotherapist", "planner", "analyst", "admin")
#: A municipality of ``*`` covers every municipality.
ANY_MUNICIPALITY = "*"


@dataclass(frozen=True)
class Principal:
    """A signed-in caller: the actor for the audit log, roles and municipality."""

    actor: str
    roles: frozenset[str]
    municipality: str
    #: the key its requests are counted under for the rate limit
    key: str

    def audit_actor(self) -> Actor:
        """The store's ``Actor`` for this caller (its first role names it)."""
        return Actor(self.actor, sorted(self.roles)[0] if self.roles else "none")

    def covers(self, municipality: str | None) -> bool:
        """Whether the caller may act for ``municipality`` (``None``: any)."""
        return (
            municipality is None
            or self.municipality == ANY_MUNICIPALITY
            or self.municipality == municipality
        )


#: The caller of a service started without tokens or JWT: on 127.0.0.1 only, every
#: role, as the command line and the app on the same machine.
LOCAL = Principal("local", frozenset(ROLES), ANY_MUNICIPALITY, "local")


def hash_token(token: str) -> str:
    """The SHA-256 of ``token``, as the token file keeps it."""
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def _entry_problems(entry: Any, where: str, number: int) -> list[Problem]:
    if not isinstance(entry, dict):
        return [problem(where, number, None, "is not a table of actor, role, municipality")]
    found = []
    for key in ("actor", "role", "municipality", "sha256"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            found.append(problem(where, number, key, "is missing"))
    if found:
        return found
    if entry["role"] not in ROLES:
        found.append(
            problem(
                where,
                number,
                "role",
                "'{value}' is not one of {options}",
                value=entry["role"],
                options=", ".join(ROLES),
            )
        )
    if not PSEUDONYM.match(entry["actor"]):
        found.append(problem(where, number, "actor", "must be a pseudonym, never a name"))
    digest = entry["sha256"].lower()
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        found.append(problem(where, number, "sha256", "is not a SHA-256 in hex"))
    return found


class TokenBook:
    """The tokens of a token file, by their hash."""

    def __init__(self, entries: Iterable[dict[str, str]]) -> None:
        self._by_hash = {e["sha256"].lower(): e for e in entries}

    @classmethod
    def read(cls, path: Path) -> TokenBook:
        """The token file at ``path``; a file that cannot be used is bad input."""
        where = path.name
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise InputError([problem(where, None, None, "file not found")]) from None
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            raise InputError([problem(where, None, None, "is not a TOML token file")]) from None
        entries = data.get("token", [])
        if not isinstance(entries, list):
            raise InputError([problem(where, None, "token", "must be a list of [[token]]")])
        found = [p for i, e in enumerate(entries, 1) for p in _entry_problems(e, where, i)]
        if found:
            raise InputError(found)
        return cls(entries)

    def __len__(self) -> int:
        return len(self._by_hash)

    def principal(self, token: str) -> Principal | None:
        """The caller holding ``token``, or ``None`` for a token not in the file."""
        digest = hash_token(token)
        for known, entry in self._by_hash.items():
            if hmac.compare_digest(known, digest):
                return Principal(
                    entry["actor"], frozenset({entry["role"]}), entry["municipality"], digest
                )
        return None


def add_token(path: Path, actor: str, role: str, municipality: str) -> str:
    """A new token for ``actor`` with ``role`` in ``municipality``: its hash is
    appended to the token file at ``path`` (made when missing), the token returned."""
    check_pseudonym(actor, "--actor")
    if role not in ROLES:
        template = "'{value}' is not one of {options}"
        raise InputError(
            [problem("--role", None, None, template, value=role, options=", ".join(ROLES))]
        )
    if municipality != ANY_MUNICIPALITY:
        check_pseudonym(municipality, "--municipality")
    if path.exists():
        TokenBook.read(path)  # never append to a file that cannot be read back
    token = secrets.token_urlsafe(32)
    line = (
        f'\n[[token]]\nactor = "{actor}"\nrole = "{role}"\n'
        f'municipality = "{municipality}"\nsha256 = "{hash_token(token)}"\n'
    )
    with path.open("a", encoding="utf-8") as file:
        file.write(line)
    path.chmod(0o600)
    return token


@dataclass(frozen=True)
class JwtSettings:
    """How the service checks a JWT: who signed it (``issuer``), for whom
    (``audience``), the ``key`` (a PEM public key, or a shared secret for HS256)
    and the ``algorithms`` accepted."""

    issuer: str
    audience: str
    key: str
    algorithms: tuple[str, ...] = ("RS256",)
    leeway_s: float = 30.0

    def principal(self, token: str) -> Principal | None:
        """The caller of a valid JWT, or ``None``: a bad signature, another issuer
        or audience, an expired token or one without a role is no sign-in."""
        import jwt

        try:
            claims = jwt.decode(
                token,
                self.key,
                algorithms=list(self.algorithms),
                audience=self.audience,
                issuer=self.issuer,
                leeway=self.leeway_s,
                options={"require": ["exp", "iss", "aud"]},
            )
        except jwt.PyJWTError:
            return None
        roles = claims.get("roles", claims.get("role", []))
        roles = [roles] if isinstance(roles, str) else roles
        known = frozenset(r for r in roles if isinstance(r, str) and r in ROLES)
        actor = claims.get("brobygger_actor", claims.get("sub"))
        municipality = claims.get("municipality")
        if not known or not isinstance(actor, str) or not PSEUDONYM.match(actor):
            return None
        if not isinstance(municipality, str) or not municipality:
            return None
        return Principal(actor, known, municipality, f"jwt:{actor}")
