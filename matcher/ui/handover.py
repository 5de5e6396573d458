"""The hand-over part of the closing conversation: consents, the contact person,
and the hand-out in the person's language.

``Handover`` is the part of ``DischargeState`` that follows a booking through:
the consents the person gives (recorded in the store with the booking), the
staff contact person printed on the hand-out (kept from one person to the
next), the hand-out's language (the person's own unless chosen) and the
calendar invitation beside it.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from traitlets import HasTraits, List, Unicode

from ..errors import InputError, Problem

__all__ = ["Handover"]


class Handover(HasTraits):
    """Consents, contact person and the hand-out's language of one booking.

    The class it is part of gives ``profile``, ``booking``, ``handout``,
    ``_with_profile`` (the dataset the booking was made from) and ``_field``.
    """

    #: The consents the person gave in the conversation, by purpose
    #: (``matcher.domain.CONSENT_PURPOSES``); recorded in the store with the booking.
    consents = List(Unicode())
    #: The staff contact person printed on the hand-out (kept from one person to
    #: the next: it is usually the physiotherapist at the conversation).
    contact_name = Unicode("")
    contact_phone = Unicode("")
    #: The hand-out's language; empty: the person's own (``handout_language``).
    handout_lang = Unicode("")
    #: The initials of the staff member at the conversation, who records the
    #: consents (a person records consent; kept from one person to the next).
    initials = Unicode("")

    if TYPE_CHECKING:  # given by the class this is part of
        profile: dict[str, Any]
        booking: Any
        handout: str
        _with_profile: Any

        def _field(self, name: str, found: Iterable[Problem] = ()) -> None: ...

    def handout_language(self) -> str:
        """The hand-out's language: the one chosen, else the person's own: Danish
        when they speak it, else the first language they speak that the hand-out
        comes in, else Danish."""
        from ..words.catalog import PATIENT_LANGUAGES

        if self.handout_lang:
            return self.handout_lang
        spoken = [str(c) for c in self.profile.get("languages") or ()]
        if "da" in spoken:
            return "da"
        return next((c for c in spoken if c in PATIENT_LANGUAGES), "da")

    def contact(self) -> Any:
        """The staff contact person for the hand-out, or None when none is named."""
        from ..discharge.contact import Contact

        name = self.contact_name.strip()
        return Contact(name, self.contact_phone.strip()) if name else None

    def set_contact(self, name: str, phone: str) -> bool:
        """The staff contact person, checked as a booking's is; the problem beside
        the fields when the name or number cannot be printed."""
        from ..store import check_contact

        try:
            if name.strip() or phone.strip():  # both empty: no contact person
                check_contact(name.strip(), phone.strip())
        except InputError as exc:
            self._field("contact", exc.problems)
            return False
        self._field("contact")
        self.contact_name, self.contact_phone = name.strip(), phone.strip()
        self._make_handout()
        return True

    def set_handout_lang(self, lang: str) -> None:
        """Make the hand-out again in ``lang`` (a code of ``PATIENT_LANGUAGES``)."""
        from ..discharge.handout import handout_lang

        self.handout_lang = handout_lang(lang)
        self._make_handout()

    def invitation(self) -> str:
        """The booking's calendar invitation (``.ics``) in the hand-out's language;
        empty without a booking."""
        from ..discharge.invitation import invitation_ics

        if self.booking is None or self._with_profile is None:
            return ""
        return str(
            invitation_ics(
                self._with_profile,
                self.booking.patient_id,
                self.booking.session_id,
                lang=self.handout_language(),
                contact=self.contact(),
            )
        )

    def _make_handout(self) -> None:
        """The booked hand-out again, in its language and with the contact person."""
        from ..discharge.handout import handout_html

        if self.booking is None or self._with_profile is None:
            return
        with contextlib.suppress(InputError):  # else the hand-out shown stays
            self.handout = handout_html(
                self._with_profile,
                self.booking.patient_id,
                self.booking.session_id,
                lang=self.handout_language(),
                contact=self.contact(),
            )

    def set_initials(self, typed: str) -> bool:
        """The initials the consents are recorded with (a pseudonym of the staff
        member, never a name); the problem beside the field when they cannot be."""
        from ..store import check_pseudonym

        try:
            if typed.strip():
                check_pseudonym(typed.strip(), "initials")
        except InputError as exc:
            self._field("initials", exc.problems)
            return False
        self._field("initials")
        self.initials = typed.strip()
        return True

    def consent_problems(self) -> list[Problem]:
        """Why the consents ticked cannot be recorded yet: without initials, nobody."""
        from ..words.problems import problem

        if self.consents and not self.initials:
            return [problem("initials", None, None, "give your initials to record the consent")]
        return []

    def actor(self) -> Any:
        """Who records what the app stores: the initials given, else the app."""
        from ..store import Actor

        return Actor(self.initials or "app", "staff")

    def _record_consents(self, store: Any, patient_id: str) -> None:
        """The consents ticked in the conversation, recorded for the person by the
        staff member whose initials are given."""
        from ..store import give_consent

        for purpose in self.consents:
            give_consent(store, patient_id, purpose, actor=self.actor())
