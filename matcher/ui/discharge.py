"""State of the discharge view: one patient's profile, next steps and booking.

The physiotherapist fills in a profile (or starts from a patient of the
dataset), finds the next steps that fit, books one and gets the hand-out.
Everything goes through the same public functions as the command line:
``matcher.discharge.options.Recommender``, ``matcher.discharge.suggest``, ``matcher.store``
and ``matcher.discharge.handout``.
"""

from __future__ import annotations

import contextlib
import functools
import os
import threading
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd
from traitlets import Any as AnyTrait
from traitlets import Dict, List, Unicode

from ..dataset.cells import personal_id_problem
from ..dataset.load import points
from ..dataset.profile import check_patient, patient_cells
from ..domain import VULNERABILITY_FLAGS
from ..errors import InputError, Problem
from ..words.problems import problem
from .handover import Handover
from .launch import ENV_ADDRESSES, ENV_GEOCODER
from .state import DataState

if TYPE_CHECKING:
    from ..dataset.address import Geocoder

__all__ = ["ENV_ADDRESSES", "ENV_GEOCODER", "PROFILE_DEFAULTS", "DischargeState"]


_GEOCODER_LOCK = threading.Lock()


@functools.lru_cache(maxsize=2)
def _read_geocoder(addresses: str, spec: str) -> Geocoder:
    from ..dataset.address import app_geocoder

    return app_geocoder(Path(addresses) if addresses else None, spec)


def _app_geocoder() -> Geocoder:
    """The geocoder the server was started with, made once in the page's kernel
    (reading a whole country's address file takes seconds)."""
    with _GEOCODER_LOCK:
        return _read_geocoder(os.environ.get(ENV_ADDRESSES, ""), os.environ.get(ENV_GEOCODER, ""))


def _warm_geocoder() -> None:
    """Read the address file while the page is being filled in; a problem with it
    is shown beside the address field when an address is typed."""
    with contextlib.suppress(InputError):
        _app_geocoder()


#: A new profile before anything is filled in: the common case at a closing
#: conversation (walks, can take the bus, 30 minutes, any time, medium group).
PROFILE_DEFAULTS: dict[str, Any] = {
    "patient_id": "",
    "lat": 55.3959,
    "lon": 10.3883,
    "discharge_date": "",
    "diagnoses": ("heart",),
    "gender": "woman",
    "gender_pref": "any",
    "age_band": "",
    "modes": ("walk", "bus"),
    "max_travel_min": 30,
    "available": "",
    "group_tolerance": "medium",
    "budget_dkk_month": 200.0,
    "languages": ("da",),
    "intensity_max": "moderate",
    "needs_supervision": False,
    "home_bound": False,
    "interests": (),
    **dict.fromkeys(VULNERABILITY_FLAGS, False),
    "escalate": False,
    "prior_offer_id": "",
    "contact_channel": "",
    "call_time": "",
    "transport_help": False,
    "together": False,
    "away": "",
    "not_before": "",
    "ready_for": "",
    "needs": (),
    "talk_level_max": "social",
    "online_ok": False,
}


_NO_PSEUDONYM = problem(
    "patient", None, "patient_id", "give the patient's pseudonym (never a name or CPR number)"
)


def _unknown_patient(patient_id: str) -> Problem:
    """Why ``patient_id`` finds nobody, without repeating what looks like a CPR
    number or a name."""
    if not patient_id.strip():
        return _NO_PSEUDONYM
    why = personal_id_problem(patient_id)
    if why is not None:
        return problem("patient", None, "patient_id", why.template, **why.values)
    return problem(
        "patient", None, "patient_id", "'{patient_id}' is not in the dataset", patient_id=patient_id
    )


class DischargeState(Handover):
    """One patient at the closing conversation (the hand-over's part: ``Handover``)."""

    profile = Dict()
    problems = List(Unicode())
    #: The same problems as ``Problem``s, for the page to word in its language.
    found_problems: tuple[Problem, ...] = ()
    options = AnyTrait(None, allow_none=True)  # the options: Recommendation.table()
    nothing_fits = AnyTrait(None, allow_none=True)  # matcher.discharge.suggest.NothingFits
    booking = AnyTrait(None, allow_none=True)  # matcher.store.BookingInfo
    booking_message = Unicode("")
    handout = Unicode("")
    error = Unicode("")
    #: Where the home was found ("Vestergade 12, 5000 Odense C") and how
    #: exactly (``address``, ``street``, ``postal_code``; ``map`` for a click).
    home = Unicode("")
    home_precision = Unicode("")
    #: Problems of one field of the form (``address``, ``available``) or of a
    #: booking (``booking``), kept apart so the page shows each beside its cause.
    field_problems = Dict()
    #: Per offer's first session among the options, the ladder that could follow it
    #: (``planning.pathway_one.LadderStep``s), worked out after the cards are shown.
    ladders = Dict()
    #: The bookings of a pathway booked at once (the first is ``booking``), else empty.
    steps_booked: List[Any] = List()

    def __init__(
        self,
        data: DataState,
        db_url: str | None = None,
        *,
        geocoder: Geocoder | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.data = data
        self.db_url = db_url or os.environ.get("BROBYGGER_DB") or None
        self.geocoder = geocoder
        self._recommender: Any = None
        self._found: dict[str, Any] | None = None  # the profile the options are for
        self._top = 5
        self._with_profile: Any = None  # the dataset the hand-out was made from
        self.profile = self._defaults()
        data.observe(self._new_data, names="version")
        data.observe(self._reword, names="lang")
        if geocoder is None and (os.environ.get(ENV_ADDRESSES) or os.environ.get(ENV_GEOCODER)):
            threading.Thread(target=_warm_geocoder, name="address file", daemon=True).start()

    # -- profile ----------------------------------------------------------
    def _defaults(self) -> dict[str, Any]:
        profile = dict(PROFILE_DEFAULTS)
        ds = self.data.dataset
        if ds is not None and len(ds.patients):
            profile["lat"] = round(float(ds.patients["lat"].median()), 6)
            profile["lon"] = round(float(ds.patients["lon"].median()), 6)
            profile["discharge_date"] = ds.patients["discharge_date"].min().strftime("%Y-%m-%d")
        return profile

    def _new_data(self, _: Any = None) -> None:
        self._recommender = None
        self.reset()

    def reset(self) -> None:
        """A fresh profile and no results."""
        self.profile = self._defaults()
        self.home = self.home_precision = ""
        self.field_problems = {}
        self.consents = []
        self.handout_lang = ""
        self._clear()

    def _field(self, name: str, found: Iterable[Problem] = ()) -> None:
        """Set (or with none, clear) the problems shown beside field ``name``."""
        problems = {k: v for k, v in self.field_problems.items() if k != name}
        if found := tuple(found):
            problems[name] = found
        self.field_problems = problems

    def locate(self, text: str) -> bool:
        """Put the home where ``text`` (an address or a postal code) is, offline
        unless the app was given another geocoder; the problem beside the
        address field when it cannot be found."""
        from ..dataset.address import locate

        try:
            if self.geocoder is None:
                self.geocoder = _app_geocoder()
            found = locate(text, self.geocoder)
        except InputError as exc:
            self._field("address", exc.problems)
            return False
        self._field("address")
        self.set(lat=round(found.lat, 6), lon=round(found.lon, 6))
        self.home, self.home_precision = found.label, found.precision
        return True

    def moved_home(self, lat: float, lon: float) -> None:
        """The home put on the map by hand (a click)."""
        self._field("address")
        self.set(lat=round(float(lat), 6), lon=round(float(lon), 6))
        self.home, self.home_precision = "", "map"

    def set_available(self, text: str) -> bool:
        """The times the person can, typed in Danish ("man-fre 12-17") or as the
        file's text; the problem beside the field when it cannot be read."""
        from ..dataset.weekly import parse_weekly

        try:
            available = parse_weekly(text) if text.strip() else ""
        except InputError as exc:
            self._field("available", exc.problems)
            return False
        self._field("available")
        self.set(available=available)
        return True

    def _problems(self, found: Iterable[Problem]) -> None:
        """Keep ``found`` as ``Problem``s (``found_problems``, for the page's
        language) and as ``file:row:column: message`` lines (``problems``)."""
        self.found_problems = tuple(found)
        self.problems = [str(p) for p in self.found_problems]

    def _clear(self) -> None:
        self._found = None
        self._with_profile = None
        self.ladders = {}
        self.options = None
        self.nothing_fits = None
        self._problems([])
        self.error = ""
        self.steps_booked = []
        self.booking = None
        self.booking_message = ""
        self.handout = ""

    def set(self, **values: Any) -> None:
        """Change fields of the profile (``patients.csv`` column names)."""
        unknown = [k for k in values if k not in PROFILE_DEFAULTS]
        if unknown:
            raise KeyError(f"not a profile field: {', '.join(unknown)}")
        self.profile = {**self.profile, **values}

    def start_from(self, patient_id: str) -> None:
        """Fill the profile from a patient of the dataset."""
        ds = self.data.dataset
        rows = ds.patients[ds.patients["patient_id"] == patient_id] if ds is not None else None
        if rows is None or len(rows) == 0:
            self._problems([_unknown_patient(patient_id)])
            return
        cells = patient_cells(rows.iloc[0].to_dict())
        self.profile = {
            **self._defaults(),
            **{k: v for k, v in cells.items() if k in PROFILE_DEFAULTS},
        }
        self.home, self.home_precision = "", "data"
        self.field_problems = {}
        self.consents = []
        self.handout_lang = ""
        self._clear()

    def check(self) -> pd.DataFrame | None:
        """The profile as a checked patient row, or None with ``problems`` set."""
        try:
            row = check_patient(self.profile)
        except InputError as exc:
            self._problems(exc.problems)
            return None
        if not str(self.profile.get("patient_id", "")).strip():
            self._problems([_NO_PSEUDONYM])
            return None
        self._problems([])
        return row

    # -- actions ----------------------------------------------------------
    def recommender(self) -> Any:
        """The recommender for the current data, counting existing bookings."""
        if self._recommender is None:
            from ..discharge.options import kept_recommender

            booked = self._booked()
            self._recommender = kept_recommender(self.data.dataset, booked=booked)
        return self._recommender

    def _booked(self) -> dict[str, int]:
        from ..store import booked_counts
        from ..store.db import database_exists, resolve_db_url

        url = resolve_db_url(self.db_url)
        return booked_counts(url) if database_exists(url) else {}

    def find(self, top: int = 5) -> None:
        """Rank the next steps that fit the profile."""
        self._clear()
        row = self.check() if self.data.dataset is not None else None
        if row is None:
            return
        try:
            chosen = self.recommender().recommend(dict(self.profile), top=top, lang=self.data.lang)
        except InputError as exc:
            self._problems(exc.problems)
            return
        self._found = dict(self.profile)
        self._top = top
        self.nothing_fits = chosen.nothing_fits
        table = chosen.table()
        self.options = table  # the cards are shown now; the ladders follow on them
        self.ladders = self._ladders(row, table)

    def _ladders(self, row: pd.DataFrame, options: pd.DataFrame) -> dict[str, list[Any]]:
        """For each offer's first session among ``options``, the ladder that could
        follow it (``planning.pathway_one``), where more than that one step fits;
        worked out on the recommender's own model of the person."""
        from ..planning.pathway_one import ladders_from

        dataset = self.data.dataset
        if dataset is None or not len(options):
            return {}
        firsts = options.drop_duplicates("offer_id")["session_id"].astype(str)
        model = self.recommender().model_for(row)
        found = ladders_from(dataset, row, list(firsts), model=model)
        return {sid: steps for sid, steps in found.items() if len(steps) > 1}

    #: The columns of an option that are words in the app's language.
    _WORDS = ("when", "fits", "less_good")

    def _reword(self, _: Any = None) -> None:
        """The results in the app's new language: the same options, in the same
        order, for the same profile, with their words (and the hand-out) in the
        language now chosen. Nothing is looked up again, nothing is lost."""
        lang = self.data.lang
        found, options = self._found, self.options
        if found is not None and options is not None and self.data.dataset is not None:
            try:
                if len(options) == 0:
                    again = self.recommender().recommend(dict(found), top=self._top, lang=lang)
                    if len(again) == 0:
                        self.nothing_fits = again.nothing_fits
                else:
                    rows = [
                        self.recommender().option(dict(found), str(sid), lang=lang).table().iloc[0]
                        for sid in options["session_id"]
                    ]
                    frame = options.copy()
                    for column in self._WORDS:
                        frame[column] = pd.Series(
                            [row[column] for row in rows], index=frame.index, dtype=object
                        )
                    self.options = frame
            except InputError:
                pass  # a session that no longer fits keeps the words it had

    def book(self, session_id: str) -> bool:
        """Hold a place in ``session_id`` for this patient, with the staff contact
        person and the consents given, and make the hand-out in the person's
        language."""
        return self._book(session_id, pathway=False)

    def book_pathway(self, session_id: str) -> bool:
        """Book the whole ladder shown from ``session_id`` (``store.book_pathway``): the
        first step as ``book`` does, each later step held with a call to confirm it;
        refused whole when the ladder found now is not the one shown."""
        return self._book(session_id, pathway=True)

    def _book(self, session_id: str, *, pathway: bool) -> bool:
        from ..store import SessionFull, book_from_dataset, open_store
        from ..store.pathway_bookings import book_pathway

        row = self.check()
        ds = self.data.dataset
        if row is None or ds is None:
            return False
        pid = str(self.profile["patient_id"]).strip()
        if unrecorded := self.consent_problems():  # said on the card and at the field
            self._field("initials", unrecorded)
            self._field("booking", unrecorded)
            self.booking_message = session_id
            return False
        others = ds.patients[ds.patients["patient_id"] != pid].drop(columns="geometry")
        with_profile = ds.replace(patients=points(pd.concat([others, row], ignore_index=True)))
        name, phone = self.contact_name.strip() or None, self.contact_phone.strip() or None
        try:
            with open_store(self.db_url) as store:
                if pathway:
                    shown = [step.session_id for step in self.ladders.get(session_id, [])]
                    booked = book_pathway(
                        store,
                        with_profile,
                        pid,
                        session_id,
                        expected=shown,
                        actor=self.actor(),
                        lang=self.data.lang,
                        contact_name=name,
                        contact_phone=phone,
                    )
                else:
                    one, _ = book_from_dataset(
                        store,
                        with_profile,
                        pid,
                        session_id,
                        actor=self.actor(),
                        contact_name=name,
                        contact_phone=phone,
                    )
                    booked = [one]
                self._record_consents(store, pid)
        except SessionFull:
            self.booking_message = "full"
            self._field("booking")
            self._recommender = None
            return False
        except InputError as exc:
            self._field("booking", exc.problems)
            self.booking_message = session_id
            return False
        self._field("booking")
        self.steps_booked = booked if pathway else []
        self.booking = booked[0]
        self.booking_message = "booked"
        self._recommender = None  # the place is taken now
        self._with_profile = with_profile
        self._make_handout()
        return True

    def cancel(self) -> bool:
        """Cancel the booking made here (with the held later steps of a pathway): the
        places are free again and the options are shown as before, so another can be
        booked (a move)."""
        from ..store import cancel, open_store

        if self.booking is None:
            return False
        try:
            with open_store(self.db_url) as store:
                cancel(store, self.booking.booking_id)
        except InputError as exc:
            self._field("booking", exc.problems)
            return False
        self._field("booking")
        self.steps_booked = []
        self.booking = None
        self.booking_message = "cancelled"
        self.handout = ""
        self._with_profile = None
        self._recommender = None  # the place is free again
        return True
