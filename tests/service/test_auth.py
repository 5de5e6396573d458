"""Tokens and JWTs: who is signed in, with which role and municipality."""

from __future__ import annotations

import time
from pathlib import Path

import jwt
import pytest

from matcher.errors import InputError
from matcher.service.auth import ANY_MUNICIPALITY, JwtSettings, TokenBook, add_token, hash_token

KEY = "a shared secret of the tests, long enough for HS256 keys"


def test_the_token_file_keeps_hashes_and_gives_role_and_municipality(tmp_path: Path) -> None:
    """A made token is never written to the file, only its hash; reading it back
    gives the actor, the one role and the municipality."""
    path = tmp_path / "tokens.toml"
    token = add_token(path, "fys-ab", "physiotherapist", "0461")
    text = path.read_text(encoding="utf-8")
    assert token not in text and hash_token(token) in text
    who = TokenBook.read(path).principal(token)
    assert who is not None
    assert (who.actor, who.roles, who.municipality) == ("fys-ab", {"physiotherapist"}, "0461")
    assert TokenBook.read(path).principal(token + "x") is None


def test_a_bad_token_file_names_the_entry_and_the_key(tmp_path: Path) -> None:
    """Each wrong entry of a token file is a problem with its number and key."""
    path = tmp_path / "tokens.toml"
    path.write_text(
        '[[token]]\nactor = "ab"\nrole = "boss"\nmunicipality = "1"\nsha256 = "12"\n'
        '[[token]]\nrole = "admin"\n',
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        TokenBook.read(path)
    where = {str(p).split(": ")[0] for p in caught.value.problems}
    assert {"tokens.toml:1:role", "tokens.toml:1:sha256", "tokens.toml:2:actor"} <= where


def test_a_token_for_a_name_or_an_unknown_role_is_refused(tmp_path: Path) -> None:
    """``add_token`` takes a pseudonym and a known role only, and writes nothing otherwise."""
    path = tmp_path / "tokens.toml"
    with pytest.raises(InputError):
        add_token(path, "Anne Hansen", "admin", "0461")
    with pytest.raises(InputError):
        add_token(path, "ab", "boss", "0461")
    assert not path.exists()


def _jwt(**claims: object) -> str:
    base = {"iss": "https://login.example", "aud": "brobygger", "exp": time.time() + 60}
    return jwt.encode({**base, **claims}, KEY, algorithm="HS256")


def test_a_jwt_gives_its_roles_municipality_and_actor() -> None:
    """A valid JWT of the configured issuer and audience signs in with its claims."""
    settings = JwtSettings("https://login.example", "brobygger", KEY, algorithms=("HS256",))
    who = settings.principal(_jwt(sub="plan-1", roles=["planner", "boss"], municipality="0461"))
    assert who is not None
    assert (who.actor, who.roles, who.municipality) == ("plan-1", {"planner"}, "0461")


@pytest.mark.parametrize(
    "claims",
    [
        {"sub": "a1", "role": "planner", "municipality": "1", "aud": "other"},
        {"sub": "a1", "role": "planner", "municipality": "1", "iss": "https://evil.example"},
        {"sub": "a1", "role": "planner", "municipality": "1", "exp": time.time() - 3600},
        {"sub": "a1", "role": "boss", "municipality": "1"},
        {"sub": "Anne Hansen", "role": "planner", "municipality": "1"},
        {"sub": "a1", "role": "planner"},
    ],
)
def test_a_jwt_of_another_issuer_audience_or_without_a_role_is_no_sign_in(
    claims: dict[str, object],
) -> None:
    """Wrong audience, issuer, an expired token, no known role, a name for an actor
    or no municipality: not signed in."""
    settings = JwtSettings("https://login.example", "brobygger", KEY, algorithms=("HS256",))
    assert settings.principal(_jwt(**claims)) is None


def test_a_jwt_signed_with_another_key_is_no_sign_in() -> None:
    """A token signed with another key is refused."""
    settings = JwtSettings("https://login.example", "brobygger", KEY + "!", algorithms=("HS256",))
    assert settings.principal(_jwt(sub="a1", role="planner", municipality="1")) is None


def test_every_municipality_covers_any() -> None:
    """A ``*`` municipality covers every dataset; another only its own."""
    settings = JwtSettings("https://login.example", "brobygger", KEY, algorithms=("HS256",))
    everywhere = settings.principal(_jwt(sub="a1", role="admin", municipality=ANY_MUNICIPALITY))
    here = settings.principal(_jwt(sub="a1", role="admin", municipality="0461"))
    assert everywhere is not None and here is not None
    assert everywhere.covers("0101") and here.covers("0461") and not here.covers("0101")
