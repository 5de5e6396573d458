"""The audit log: who did what to which object, when; append-only, no names.

Only two operations exist here: ``record`` (inside the caller's transaction,
so an action and its audit entry commit together or not at all) and
``audit_trail`` (read). The database refuses updates and deletes of audit
rows on its own (triggers from migration 0001), so no other code path can
change history either.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from ..errors import InputError, Problem
from ..privacy import (
    LOOK_ALIKE_RULE,
    PSEUDONYM,
    PSEUDONYM_RULE,
    is_plain,
    looks_like_cpr,
    looks_like_name,
)
from ..words.problems import problem
from .db import Store
from .models import AuditEntry, utcnow

__all__ = [
    "NOTE_LIMIT",
    "SYSTEM",
    "Actor",
    "audit_trail",
    "check_note",
    "check_pseudonym",
    "pseudonym_problem",
    "record",
]

#: The longest reason or note a person may type for the store, in characters.
NOTE_LIMIT = 200
#: Characters a terminal or spreadsheet acts on (all controls but none allowed).
_CONTROL = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pseudonym_problem(
    value: str, where: str, row: int | None = None, column: str | None = None
) -> Problem | None:
    """Why ``value`` cannot be a pseudonym (a CPR number, a name or free text), or ``None``.

    The rule is ``matcher.privacy``'s, the same as the loader's for ``patient_id``.

    The problem names ``where`` (an option or a file), ``row`` and ``column``,
    never the value itself.
    """
    if looks_like_cpr(value):
        return problem(where, row, column, "looks like a CPR number; use the pseudonym")
    if looks_like_name(value):
        return problem(where, row, column, "looks like a person's name; use the pseudonym")
    if not PSEUDONYM.match(value):
        return problem(where, row, column, PSEUDONYM_RULE)
    if not is_plain(value):
        return problem(where, row, column, LOOK_ALIKE_RULE)
    return None


def check_pseudonym(
    value: str, where: str, row: int | None = None, column: str | None = None
) -> str:
    """``value`` if it can be a pseudonym; never a CPR number or free text.

    Raises
    ------
    InputError
        Naming ``where`` (the option or file it came from), and the ``row``
        and ``column`` when given.
    """
    problem = pseudonym_problem(value, where, row, column)
    if problem is not None:
        raise InputError([problem])
    return value


def check_note(value: str, where: str, *, limit: int = NOTE_LIMIT, names: bool = False) -> str:
    """``value`` stripped, if it can be kept as a short note (a reason, a contact):
    at most ``limit`` characters, no control character, nothing that looks like a
    CPR number and, unless ``names`` (a staff contact person), nothing written like
    a person's name.

    Raises
    ------
    InputError
        Naming ``where`` (the option), never repeating the value.
    """
    text = value.strip()
    problems = []
    if len(text) > limit:
        problems.append(
            problem(
                where,
                None,
                None,
                "holds {length:,} characters; write at most {limit:,}",
                length=len(text),
                limit=limit,
            )
        )
    if _CONTROL.search(text):
        problems.append(
            problem(
                where, None, None, "holds a control character (such as an escape code); remove it"
            )
        )
    if looks_like_cpr(text):
        problems.append(
            problem(
                where, None, None, "holds what looks like a CPR number, which must never be here"
            )
        )
    elif not names and looks_like_name(text):
        problems.append(
            problem(where, None, None, "looks like a person's name; never write a name here")
        )
    if problems:
        raise InputError(problems)
    return text


@dataclass(frozen=True)
class Actor:
    """Who acts: a staff pseudonym (initials code, never a name) and a role."""

    pseudonym: str = "cli"
    role: str = "staff"

    def __post_init__(self) -> None:
        check_pseudonym(self.pseudonym, "--actor")
        check_pseudonym(self.role, "--role")


#: The actor for what Brobygger does by rule (tasks created automatically).
SYSTEM = Actor("brobygger", "system")


def record(
    session: Session,
    actor: Actor,
    action: str,
    object_type: str,
    object_id: object,
    *,
    patient_id: str | None = None,
    detail: str = "",
) -> None:
    """Append one audit entry in the current transaction."""
    session.add(
        AuditEntry(
            at=utcnow(),
            actor=actor.pseudonym,
            actor_role=actor.role,
            action=action,
            object_type=object_type,
            object_id=str(object_id),
            patient_id=patient_id,
            detail=detail,
        )
    )


def audit_trail(store: Store, *, patient_id: str | None = None) -> pd.DataFrame:
    """The audit log, oldest first (optionally for one patient's pseudonym).

    Columns: ``id, at`` (UTC), ``actor, actor_role, action, object_type,
    object_id, patient_id, detail``.
    """
    query = select(AuditEntry).order_by(AuditEntry.id)
    if patient_id is not None:
        query = query.where(AuditEntry.patient_id == patient_id)
    columns = [
        "id",
        "at",
        "actor",
        "actor_role",
        "action",
        "object_type",
        "object_id",
        "patient_id",
        "detail",
    ]
    with store.read() as session:
        rows = [{c: getattr(e, c) for c in columns} for e in session.scalars(query)]
    return pd.DataFrame(rows, columns=columns)
