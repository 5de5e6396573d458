"""Every text the app shows, in Danish (default) and English.

Views look words up with ``text(key, lang)``; nothing user-facing is written
inline in view code. Patient-facing words never name vulnerability flags.
"""

from __future__ import annotations

__all__ = ["LANGUAGES", "text"]

LANGUAGES = ("da", "en")

_TEXT: dict[str, tuple[str, str]] = {
    # shell
    "app_title": (
        "Brobygger: næste skridt efter rehabilitering",
        "Brobygger: the next step after rehabilitation",
    ),
    "tab_discharge": ("Afslutning", "Discharge"),
    "tab_planning": ("Planlægning", "Planning"),
    "tab_municipality": ("Kommune", "Municipality"),
    "tab_data": ("Data", "Data"),
    "language": ("Sprog", "Language"),
    # data
    "data_path": ("Datamappe", "Data folder"),
    "data_load": ("Indlæs", "Load"),
    "data_upload": ("Upload CSV-filer", "Upload CSV files"),
    "data_loaded": (
        "Indlæst: {offers} tilbud, {sessions} hold/tider, {patients} borgere",
        "Loaded: {offers} offers, {sessions} sessions, {patients} patients",
    ),
    "data_problems": (
        "{count} problemer i data; intet er ændret:",
        "{count} problems in the data; nothing was changed:",
    ),
    "data_warnings": ("Advarsler", "Warnings"),
    "data_none": ("Ingen data indlæst.", "No data loaded."),
    # planning
    "plan_all": ("Planlæg alle", "Plan all"),
    "plan_stop": ("Stop", "Stop"),
    "plan_running": ("Planlægger: {stage}", "Planning: {stage}"),
    "plan_stopped": (
        "Planlægningen blev stoppet; intet er ændret.",
        "Planning was stopped; nothing was changed.",
    ),
    "plan_done": (
        "{placed} af {patients} har fået et næste skridt ({status}, {seconds:.1f} s).",
        "{placed} of {patients} have a next step ({status}, {seconds:.1f} s).",
    ),
    "plan_baseline": (
        "Til sammenligning, nærmeste ledige plads i rækkefølge: {placed} placeret.",
        "For comparison, nearest free place in order: {placed} placed.",
    ),
    "waiting_list": ("Venteliste", "Waiting list"),
    "plan_table": ("Plan", "Plan"),
    "sort_by": ("Sortér efter", "Sort by"),
    "filter_status": ("Vis", "Show"),
    "all": ("alle", "all"),
    "capacity_demand": (
        "Pladser og efterspørgsel pr. hold og uge",
        "Places and demand per team and week",
    ),
    "waits": ("Ventetid mod garantien", "Waiting time against the guarantee"),
    "tradeoff": (
        "Hvad nu hvis: personaletimer mod ventetid",
        "What if: staff hours against waiting",
    ),
    "weeks": ("Uger", "Weeks"),
    "schedule_run": ("Planlæg over uger", "Plan over weeks"),
    "schedule_done": (
        "{placed} af {patients} får et forløb inden for {weeks} uger; "
        "{breaches} starter ikke inden for {days} dage ({seconds:.0f} s).",
        "{placed} of {patients} get a place within {weeks} weeks; {breaches} do not start within"
        " {days} days ({seconds:.0f} s).",
    ),
    "no_candidates": (
        "Ingen kandidathold i data (candidates.csv), så der er ingen afvejning.",
        "No candidate teams in the data (candidates.csv), so there is no trade-off.",
    ),
    "budgets": ("Timebudgetter (pr. uge)", "Hour budgets (per week)"),
    "guarantee_days": ("Garanti (dage)", "Guarantee (days)"),
    # discharge
    "where_travel": (
        "Hvor borgeren bor, og hvordan de kommer rundt",
        "Where the person lives and how they travel",
    ),
    "when": ("Hvornår de kan", "When they can"),
    "likes": ("Hvad de kan lide", "What they like"),
    "tolerates": ("Hvad de kan klare", "What they can manage"),
    "money": ("Økonomi", "Money"),
    "language_section": ("Sprog", "Language"),
    "find": ("Find næste skridt", "Find next steps"),
    "book": ("Book", "Book"),
    "booked": ("Booket: {name}, første gang {date}.", "Booked: {name}, first time {date}."),
    "full": ("Holdet er desværre fuldt nu.", "Sorry, this session is full now."),
    "handout": ("Udlevering", "Hand-out"),
    "open_more": ("Hvad ville åbne flere muligheder", "What would open more options"),
    "nothing_fits": ("Intet passer lige nu.", "Nothing fits right now."),
    "patient": ("Borger", "Patient"),
    "new_profile": ("Ny profil", "New profile"),
    "map": ("Kort", "Map"),
    # profile fields
    "f_patient_id": ("Pseudonym", "Pseudonym"),
    "f_start_from": ("Start fra borger", "Start from patient"),
    "f_use": ("Hent", "Use"),
    "f_lat": ("Bredde", "Latitude"),
    "f_lon": ("Længde", "Longitude"),
    "f_map_hint": ("Klik på kortet for at sætte hjemmet.", "Click the map to set the home."),
    "f_modes": ("Kan komme rundt med", "Can travel by"),
    "f_max_travel_min": ("Højst minutter hver vej", "At most minutes each way"),
    "f_discharge_date": ("Afslutningsdato", "Discharge date"),
    "f_available": ("Hvornår", "When"),
    "f_available_text": ("Tider", "Times"),
    "f_interests": ("Interesser", "Interests"),
    "f_diagnoses": ("Diagnoser", "Diagnoses"),
    "f_group_tolerance": ("Største gruppe", "Largest group"),
    "f_intensity_max": ("Højst intensitet", "Highest intensity"),
    "f_needs_supervision": ("Har brug for fagperson til stede", "Needs a professional present"),
    "f_home_bound": ("Kan ikke komme ud af hjemmet", "Cannot leave home"),
    "f_gender": ("Køn", "Gender"),
    "f_age_band": ("Alder", "Age"),
    "f_gender_pref": ("Kun eget køn", "Own gender only"),
    "f_budget_dkk_month": ("Højst kr. om måneden", "At most DKK a month"),
    "f_languages": ("Taler", "Speaks"),
    "f_prior_offer_id": ("Kommer fra hold", "Comes from team"),
    "f_priority": (
        "Til prioritering (vises aldrig for borgeren)",
        "For priority (never shown to the patient)",
    ),
    "f_escalate": ("Skal tages op af en person først", "A person must act first"),
    "f_lives_alone": ("Bor alene", "Lives alone"),
    "f_short_education": ("Kort uddannelse", "Short education"),
    "f_low_income": ("Lav indkomst", "Low income"),
    "f_multimorbidity": ("Flere sygdomme", "Several diseases"),
    "f_mental_health": ("Psykisk sårbar", "Mental health"),
    "avail_any": ("når som helst", "any time"),
    "avail_day": ("hverdage i dagtimerne", "weekday daytime"),
    "avail_evening": ("efter arbejde (efter 16)", "after work (after 16)"),
    "avail_late": ("ikke tidlig morgen", "no early mornings"),
    "avail_custom": ("selv angivet", "own times"),
    "tol_individual": ("kun alene (1)", "one to one only (1)"),
    "tol_small": ("lille (op til 6)", "small (up to 6)"),
    "tol_medium": ("mellem (op til 12)", "medium (up to 12)"),
    "tol_large": ("stor", "large"),
    "none": ("ingen", "none"),
    "apply": ("Prøv det", "Try it"),
    "why_not": ("Det der udelukker mest", "What rules out most"),
    "first_time": ("Første gang", "First time"),
    "print_hint": (
        "Udskriv eller gem siden herunder og giv den til borgeren.",
        "Print or save the page below and give it to the patient.",
    ),
    "download": ("Hent udleveringen (HTML)", "Download the hand-out (HTML)"),
    # municipality
    "kind": ("Type", "Kind"),
    "band": ("Tidspunkt", "Time of day"),
    "band_all": ("hele dagen", "all day"),
    "band_day": ("dag (før 16)", "daytime (before 16)"),
    "band_evening": ("aften (fra 16)", "evening (from 16)"),
    "coverage": ("Dækning og tilgængelighed", "Coverage and accessibility"),
    "equity": ("Lighed: andel med plads", "Equity: share placed"),
    "suppressed": ("(under 5: skjult)", "(below 5: hidden)"),
    "sites": ("Hvor ville et nyt tilbud hjælpe mest", "Where would a new activity help most"),
    "sites_head": (
        "{covered} af {unserved} borgere uden et tilbud af denne type ville få et.",
        "{covered} of {unserved} patients without an option of this kind would get one.",
    ),
    "equity_hint": (
        "Lav en plan under Planlægning for at se lighed.",
        "Make a plan under Planning to see equity.",
    ),
    "sites_run": ("Find steder", "Find sites"),
    # kinds
    "exit_team": ("Udslusningshold", "Exit team"),
    "network_group": ("Netværksgruppe", "Network group"),
    "association": ("Foreningsaktivitet", "Association activity"),
    "home_visit": ("Hjemmebesøg", "Home visit"),
    # common
    "error": ("Noget gik galt: {message}", "Something went wrong: {message}"),
    "working": ("Arbejder ...", "Working ..."),
}


def text(key: str, lang: str = "da", **values: object) -> str:
    """The text for ``key`` in ``lang`` (``da`` or ``en``), formatted with ``values``."""
    da, en = _TEXT[key]
    template = en if lang == "en" else da
    return template.format(**values) if values else template
