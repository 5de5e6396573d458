"""Every word a patient sees, in one place per language.

Recommendations, "when nothing fits" suggestions and the printed hand-out
take their text from here: Danish (``da``, the default) and English
(``en``). The words are the ones people use; none mentions vulnerability
flags, priority or rehabilitation jargon. Add a language by adding one more
block with the same keys (a test checks that the keys agree).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from types import MappingProxyType
from typing import Any

from ..errors import InputError, Problem

__all__ = ["LANGUAGES", "Wording", "wording"]

_DA: Mapping[str, Any] = MappingProxyType(
    {
        "weekdays": ("mandag", "tirsdag", "onsdag", "torsdag", "fredag", "lørdag", "søndag"),
        "months": (
            "januar",
            "februar",
            "marts",
            "april",
            "maj",
            "juni",
            "juli",
            "august",
            "september",
            "oktober",
            "november",
            "december",
        ),
        "modes": {
            "walk": "til fods",
            "bike": "på cykel",
            "bus": "med bus",
            "car": "i bil",
            "flextrafik": "med flextrafik",
        },
        "kinds": {
            "exit_team": "træningshold i kommunen",
            "network_group": "gruppe for folk i samme situation",
            "association": "aktivitet i en forening",
            "home_visit": "besøg i dit hjem",
        },
        "kind_intro": {
            "exit_team": "Et træningshold i kommunen, hvor du træner sammen med andre.",
            "network_group": "En gruppe, hvor du mødes med andre, der har prøvet det samme.",
            "association": "En aktivitet i en lokal forening.",
            "home_visit": "Vi kommer hjem til dig og træner sammen med dig.",
        },
        "tags": {
            "walking": "gåture",
            "strength": "styrketræning",
            "dance": "dans",
            "choir": "sang",
            "swimming": "svømning",
            "social": "samvær",
            "cooking": "madlavning",
            "gardening": "havearbejde",
            "yoga": "yoga",
            "cycling": "cykling",
        },
        "languages": {
            "da": "dansk",
            "en": "engelsk",
            "ar": "arabisk",
            "tr": "tyrkisk",
            "so": "somali",
            "ur": "urdu",
            "pl": "polsk",
            "fa": "persisk",
            "de": "tysk",
        },
        "bring": {
            "base": "Tøj og sko, du kan bevæge dig i, og en flaske vand.",
            "walking": "Gode sko og tøj efter vejret.",
            "swimming": "Badetøj og håndklæde.",
            "cycling": "Din cykel og en cykelhjelm.",
            "yoga": "Et tæppe eller en måtte, hvis du har en.",
            "gardening": "Arbejdshandsker og tøj, der må blive beskidt.",
            "dance": "Indendørs sko.",
            "strength": "Indendørs sko.",
            "supervised": "En liste over den medicin, du tager.",
            "home_visit": "Du skal ikke gøre noget klar. Find gerne listen over din medicin frem.",
        },
        "compass": ("nord", "nordøst", "øst", "sydøst", "syd", "sydvest", "vest", "nordvest"),
        "phrases": {
            # reasons: what fits
            "travel": "{minutes} min {mode}",
            "travel_far": "{minutes} min {mode}: tæt på din grænse på {limit} min",
            "at_home": "vi kommer hjem til dig",
            "starts_today": "starter i dag",
            "starts_tomorrow": "starter i morgen",
            "starts_in": "starter om {days} dage",
            "starts_late": "første gang er først om {days} dage",
            "early": "tidligt: starter kl. {clock}",
            "late": "sent: slutter kl. {clock}",
            "interest": "passer til det, du kan lide: {tags}",
            "no_interest": "ikke blandt det, du helst vil",
            "same_team": "det samme hold, som du kender",
            "same_place": "samme sted, som du kender",
            "free": "gratis",
            "fee": "koster {money} om måneden",
            "one_to_one": "kun dig og en instruktør",
            "small_group": "lille gruppe på ca. {size}",
            "group": "gruppe på ca. {size}",
            "big_group": "stor gruppe på ca. {size}",
            "group_larger": "gruppe på ca. {size}: større end du foretrækker",
            "supervised": "en sundhedsfaglig er med",
            "spoken_in": "foregår på {languages}",
            "men_only": "kun for mænd",
            "women_only": "kun for kvinder",
            "gentle": "roligt tempo",
            # when nothing fits
            "nothing_fits": "Intet passer lige nu.",
            "escalated": "En fagperson skal tage stilling først; der foreslås ikke noget.",
            "no_sessions": "Der er ingen tider i data.",
            "removed": "{text} ({count} af {total} tider)",
            "rule_escalated": "en fagperson skal tage stilling først",
            "rule_home": "besøg i hjemmet er kun for dem, der ikke kan komme ud",
            "rule_home_only": "du kan ikke komme ud, så kun besøg i hjemmet passer",
            "rule_diagnosis": "ikke for din sygdom",
            "rule_language": "ikke på et sprog, du taler",
            "rule_gender": "ikke for dit køn eller dit ønske",
            "rule_group_size": "større grupper, end du har det godt med",
            "rule_intensity": "hårdere, end du kan klare nu",
            "rule_supervision": "uden en sundhedsfaglig, som du har brug for",
            "rule_fee": "koster mere, end du kan betale",
            "rule_travel": "for langt væk",
            "rule_time": "ikke på et tidspunkt, hvor du kan",
            "rule_capacity": "ingen ledige pladser",
            "options": "{options} {tider} hos {places} {steder}",
            "one_time": "tid",
            "many_times": "tider",
            "one_place": "sted",
            "many_places": "steder",
            "if_travel": "{found}, hvis du kan rejse {extra} min mere (op til {limit} min)",
            "if_mode": "{found}, hvis du kan komme {mode}",
            "if_interpreter": "{found} med tolk",
            "if_budget": "{found}, hvis du kan betale {extra} kr. mere om måneden",
            "if_any_time": "{found} på andre tidspunkter",
            "if_group": "{found} med grupper på op til {limit}",
            "if_any_group": "{found}, hvis større grupper er i orden",
            "if_any_gender": "{found} i grupper for alle køn",
            "if_home_visit": "besøg i hjemmet er muligt ({options} {tider})",
            # the hand-out
            "title": "Din næste aktivitet",
            "what": "Hvad",
            "when": "Første gang",
            "where": "Hvor",
            "bring": "Tag med",
            "cost": "Pris",
            "call": "Spørgsmål eller forhindret?",
            "date_long": "{weekday} den {day}. {month} {year}",
            "clock_span": "kl. {start}-{end}",
            "then_weekly": "Derefter hver {weekday}.",
            "then_weekly_for": "Derefter hver {weekday}, i alt {weeks} gange.",
            "come_early": "Kom gerne 10 minutter før.",
            "trip": "Ca. {minutes} min {mode} fra dit hjem.",
            "direction": "{km} km mod {compass} fra dit hjem (i luftlinje).",
            "we_come": "Vi kommer hjem til dig. Du skal ikke ud af døren.",
            "home": "Dit hjem",
            "map_label": "Kort over vejen fra dit hjem til stedet",
            "cost_free": "Det er gratis.",
            "cost_fee": "{money} om måneden.",
            "cost_bus": "Husk buskort eller billet.",
            "cost_flex": "Flextrafik skal bestilles i god tid før turen.",
            "call_phone": "Ring til {provider} på {phone}.",
            "call_provider": "Kontakt {provider}.",
            "call_contact": "Din kontaktperson:",
            "call_contact_phone": "Telefon:",
            "printed": "Printet {date}",
        },
    }
)

_EN: Mapping[str, Any] = MappingProxyType(
    {
        "weekdays": (
            "Monday",
            "Tuesday",
            "Wednesday",
            "Thursday",
            "Friday",
            "Saturday",
            "Sunday",
        ),
        "months": (
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ),
        "modes": {
            "walk": "on foot",
            "bike": "by bike",
            "bus": "by bus",
            "car": "by car",
            "flextrafik": "by flextrafik",
        },
        "kinds": {
            "exit_team": "exercise group at the municipality",
            "network_group": "group for people in the same situation",
            "association": "activity at a local club",
            "home_visit": "visit at your home",
        },
        "kind_intro": {
            "exit_team": "An exercise group at the municipality, where you train with others.",
            "network_group": "A group where you meet others who have been through the same.",
            "association": "An activity at a local club.",
            "home_visit": "We come to your home and exercise with you.",
        },
        "tags": {
            "walking": "walking",
            "strength": "strength training",
            "dance": "dancing",
            "choir": "singing",
            "swimming": "swimming",
            "social": "company",
            "cooking": "cooking",
            "gardening": "gardening",
            "yoga": "yoga",
            "cycling": "cycling",
        },
        "languages": {
            "da": "Danish",
            "en": "English",
            "ar": "Arabic",
            "tr": "Turkish",
            "so": "Somali",
            "ur": "Urdu",
            "pl": "Polish",
            "fa": "Persian",
            "de": "German",
        },
        "bring": {
            "base": "Clothes and shoes you can move in, and a bottle of water.",
            "walking": "Good shoes and clothes for the weather.",
            "swimming": "Swimwear and a towel.",
            "cycling": "Your bike and a helmet.",
            "yoga": "A blanket or a mat, if you have one.",
            "gardening": "Work gloves and clothes that may get dirty.",
            "dance": "Indoor shoes.",
            "strength": "Indoor shoes.",
            "supervised": "A list of the medicines you take.",
            "home_visit": "You need not prepare anything. Please find the list of your medicines.",
        },
        "compass": (
            "north",
            "north-east",
            "east",
            "south-east",
            "south",
            "south-west",
            "west",
            "north-west",
        ),
        "phrases": {
            "travel": "{minutes} min {mode}",
            "travel_far": "{minutes} min {mode}: close to your limit of {limit} min",
            "at_home": "we come to your home",
            "starts_today": "starts today",
            "starts_tomorrow": "starts tomorrow",
            "starts_in": "starts in {days} days",
            "starts_late": "first time is not for {days} days",
            "early": "early: starts at {clock}",
            "late": "late: ends at {clock}",
            "interest": "fits what you like: {tags}",
            "no_interest": "not among the things you like most",
            "same_team": "the same group you know",
            "same_place": "the same place you know",
            "free": "free",
            "fee": "costs {money} a month",
            "one_to_one": "just you and an instructor",
            "small_group": "small group of about {size}",
            "group": "group of about {size}",
            "big_group": "big group of about {size}",
            "group_larger": "group of about {size}: larger than you prefer",
            "supervised": "a health professional is there",
            "spoken_in": "in {languages}",
            "men_only": "for men only",
            "women_only": "for women only",
            "gentle": "a gentle pace",
            "nothing_fits": "Nothing fits right now.",
            "escalated": "A professional must act first; nothing is suggested.",
            "no_sessions": "There are no sessions in the data.",
            "removed": "{text} ({count} of {total} sessions)",
            "rule_escalated": "a professional must act first",
            "rule_home": "home visits are only for people who cannot go out",
            "rule_home_only": "you cannot go out, so only home visits fit",
            "rule_diagnosis": "not for your illness",
            "rule_language": "not in a language you speak",
            "rule_gender": "not for your gender or your wish",
            "rule_group_size": "larger groups than you are comfortable with",
            "rule_intensity": "harder than you can manage now",
            "rule_supervision": "without the health professional you need",
            "rule_fee": "costs more than you can pay",
            "rule_travel": "too far away",
            "rule_time": "not at a time when you can",
            "rule_capacity": "no free places",
            "options": "{options} {tider} at {places} {steder}",
            "one_time": "session",
            "many_times": "sessions",
            "one_place": "place",
            "many_places": "places",
            "if_travel": "{found} if you could travel {extra} min more (up to {limit} min)",
            "if_mode": "{found} if you could go {mode}",
            "if_interpreter": "{found} with an interpreter",
            "if_budget": "{found} if you could pay DKK {extra} more a month",
            "if_any_time": "{found} at other times",
            "if_group": "{found} with groups of up to {limit}",
            "if_any_group": "{found} if larger groups are all right",
            "if_any_gender": "{found} in groups open to all genders",
            "if_home_visit": "a home visit is possible ({options} {tider})",
            "title": "Your next step",
            "what": "What",
            "when": "First time",
            "where": "Where",
            "bring": "Bring",
            "cost": "Price",
            "call": "Questions, or cannot come?",
            "date_long": "{weekday} {day} {month} {year}",
            "clock_span": "{start}-{end}",
            "then_weekly": "Then every {weekday}.",
            "then_weekly_for": "Then every {weekday}, {weeks} times in all.",
            "come_early": "Please come 10 minutes early.",
            "trip": "About {minutes} min {mode} from your home.",
            "direction": "{km} km {compass} of your home (as the crow flies).",
            "we_come": "We come to your home. You do not need to go out.",
            "home": "Your home",
            "map_label": "Map of the way from your home to the place",
            "cost_free": "It is free.",
            "cost_fee": "{money} a month.",
            "cost_bus": "Remember your bus card or ticket.",
            "cost_flex": "Flextrafik must be booked well before the trip.",
            "call_phone": "Call {provider} on {phone}.",
            "call_provider": "Contact {provider}.",
            "call_contact": "Your contact person:",
            "call_contact_phone": "Phone:",
            "printed": "Printed {date}",
        },
    }
)

#: The languages patient-facing text is available in.
LANGUAGES: Mapping[str, Mapping[str, Any]] = MappingProxyType({"da": _DA, "en": _EN})


@dataclass(frozen=True)
class Wording:
    """The words of one language, with helpers for dates, times and money."""

    lang: str
    table: Mapping[str, Any]

    def __call__(self, key: str, **values: Any) -> str:
        """The phrase ``key`` with ``values`` filled in."""
        text: str = self.table["phrases"][key]
        return text.format(**values)

    def names(self, group: str) -> Any:
        """A group of names: ``modes``, ``kinds``, ``tags``, ``bring``, ..."""
        return self.table[group]

    def weekday(self, day: int) -> str:
        """The weekday (0 = Monday) in words."""
        name: str = self.table["weekdays"][day]
        return name

    def clock(self, minutes: int) -> str:
        """A time of day (minutes after midnight): ``10.00`` in Danish, ``10:00`` in English."""
        sep = "." if self.lang == "da" else ":"
        return f"{minutes // 60:02d}{sep}{minutes % 60:02d}"

    def date(self, day: date) -> str:
        """A date in words with its weekday: ``onsdag den 20. januar 2027``."""
        return self(
            "date_long",
            weekday=self.weekday(day.weekday()),
            day=day.day,
            month=self.table["months"][day.month - 1],
            year=day.year,
        )

    def money(self, dkk: float) -> str:
        """An amount of Danish kroner: ``120 kr.`` or ``DKK 120``."""
        amount = f"{dkk:,.0f}".replace(",", "." if self.lang == "da" else ",")
        return f"{amount} kr." if self.lang == "da" else f"DKK {amount}"

    def km(self, metres: float) -> str:
        """Kilometres with one decimal (decimal comma in Danish)."""
        text = f"{metres / 1000:.1f}"
        return text.replace(".", ",") if self.lang == "da" else text

    def tags(self, tags: tuple[str, ...] | list[str]) -> str:
        """Interest tags in words, joined."""
        names = self.table["tags"]
        return ", ".join(names.get(t, t) for t in tags)

    def languages(self, codes: tuple[str, ...] | list[str]) -> str:
        """Language codes in words, joined."""
        names = self.table["languages"]
        return ", ".join(names.get(c, c) for c in codes)

    def found(self, options: int, places: int) -> str:
        """``3 tider hos 2 steder`` / ``3 sessions at 2 places``."""
        return self(
            "options",
            options=options,
            places=places,
            tider=self("one_time" if options == 1 else "many_times"),
            steder=self("one_place" if places == 1 else "many_places"),
        )


def wording(lang: str) -> Wording:
    """The words of ``lang`` (``da`` or ``en``); an unknown language is an input error."""
    key = str(lang).strip().lower()
    if key not in LANGUAGES:
        known = ", ".join(LANGUAGES)
        raise InputError(
            [Problem("--lang", None, None, f"'{lang}' is not a known language ({known})")]
        )
    return Wording(key, LANGUAGES[key])
