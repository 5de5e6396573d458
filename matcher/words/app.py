"""Every text the app shows, in Danish (default) and English.

Views look words up with ``text(key, lang)``; nothing user-facing is written
inline in view code. Tables go through ``frame_in``: column headers
(``col_<column>``) and coded values (``status_``, ``kind_``, ``mode_``,
``rule_``, ``band_``, ``diag_``, ``tol_``, ``dim_``/``group_`` for equity)
in words. Patient-facing words never name vulnerability flags.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = [
    "LANGUAGES",
    "LANGUAGE_NAMES",
    "code_key",
    "code_text",
    "column_text",
    "equity_in",
    "frame_in",
    "has_text",
    "text",
    "text_keys",
]

LANGUAGES = ("da", "en")
#: The switch shows each language in its own words.
LANGUAGE_NAMES = {"da": "Dansk", "en": "English"}

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
    "data_upload_limit": (
        "Højst {mb} MB pr. upload, alle valgte filer tilsammen; større uploads sendes ikke.",
        "At most {mb} MB per upload, all files picked together; larger uploads are not sent.",
    ),
    "data_upload_too_big": (
        "De valgte filer fylder {size} MB, over grænsen på {mb} MB: intet er sendt, og "
        "data er uændret. Upload færre filer ad gangen, eller læg mappen under en af "
        "datamapperne og skriv dens navn i feltet Datamappe.",
        "The files picked weigh {size} MB, over the limit of {mb} MB: nothing was sent, "
        "and the data is unchanged. Upload fewer files at a time, or put the folder under "
        "one of the data folders and type its name in the Data folder box.",
    ),
    "data_roots": (
        "Feltet indlæser mapper under: {roots}",
        "The box loads folders under: {roots}",
    ),
    "data_no_roots_note": (
        "Feltet indlæser ingen mapper her; upload filerne i stedet.",
        "The box loads no folders here; upload the files instead.",
    ),
    "data_outside_roots": (
        "Mappen {path} indlæses ikke: appen læser kun mapper under {roots} "
        "(flere med brobygger app --data-root MAPPE). Intet er ændret.",
        "The folder {path} is not loaded: the app reads only folders under {roots} "
        "(more with brobygger app --data-root DIR). Nothing was changed.",
    ),
    "data_no_roots": (
        "Mappen {path} indlæses ikke: appen læser ingen mapper her "
        "(brobygger app --data-root MAPPE giver en). Intet er ændret.",
        "The folder {path} is not loaded: the app reads no folders here "
        "(brobygger app --data-root DIR gives one). Nothing was changed.",
    ),
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
    "band_any": ("hele dagen", "all day"),
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
    # shell: the language switch
    "language_hint": ("Skift sprog", "Switch language"),
    # planning: charts and the filter
    "chart_wait_days": ("dage fra afslutning til start", "days from discharge to start"),
    "chart_patients": ("borgere", "patients"),
    "chart_places": ("pladser", "places"),
    "chart_used": ("brugt", "used"),
    # planning stages (stage_<code>, as the plan reports them)
    "stage_costs": ("beregner afstande og tider", "working out distances and times"),
    "stage_solving": ("finder den bedste plan", "finding the best plan"),
    "stage_cp_sat": ("finder den bedste plan (hjemmebesøg)", "finding the best plan (home visits)"),
    "stage_routes": ("planlægger ruter", "planning routes"),
    "stage_writing": ("skriver planen", "writing the plan"),
    "stage_done": ("færdig", "done"),
    # how sure a plan is (solver_<status>)
    "solver_optimal": ("bevist bedst mulige", "proven best possible"),
    "solver_feasible": ("god, ikke bevist bedst", "good, not proven best"),
    "solver_local": (
        "bedste fundne; intet bedre blandt de hold og borgere, der blev planlagt om",
        "best found; nothing better among the teams and patients planned again",
    ),
    "solver_kept": (
        "som det mindre budget (intet bedre fundet)",
        "as the smaller budget (nothing better found)",
    ),
    # municipality: a new activity
    "site_day": ("Dag", "Day"),
    "site_from": ("Fra", "From"),
    "site_to": ("Til", "To"),
    "site_group": ("Gruppe", "Group"),
    "site_fee": ("Kr. om måneden", "DKK a month"),
    "site_k": ("Antal steder", "Sites"),
    # tables
    "more_rows": ("... {more} rækker mere", "... {more} more rows"),
    "yes": ("ja", "yes"),
    "no": ("nej", "no"),
    # column headers (col_<column>)
    "col_patient_id": ("Borger", "Patient"),
    "col_status": ("Status", "Status"),
    "col_offer_id": ("Tilbud", "Offer"),
    "col_session_id": ("Hold/tid", "Session"),
    "col_kind": ("Type", "Kind"),
    "col_start_date": ("Start", "Start"),
    "col_wait_days": ("Ventetid (dage)", "Wait (days)"),
    "col_travel_min": ("Rejsetid (min)", "Travel (min)"),
    "col_travel_mode": ("Transport", "Travel by"),
    "col_fee_dkk_month": ("Kr. om måneden", "DKK a month"),
    "col_cost": ("Omkostning (point)", "Cost (points)"),
    "col_reason": ("Årsag", "Reason"),
    "col_week": ("Uge", "Week"),
    "col_discharge_date": ("Afsluttet", "Discharged"),
    "col_diagnoses": ("Diagnoser", "Diagnoses"),
    "col_modes": ("Transport", "Travel by"),
    "col_max_travel_min": ("Højst min. hver vej", "At most min. each way"),
    "col_group_tolerance": ("Største gruppe", "Largest group"),
    "col_languages": ("Sprog", "Languages"),
    "col_district_id": ("Distrikt-id", "District id"),
    "col_name": ("Navn", "Name"),
    "col_patients": ("Borgere", "Patients"),
    "col_served_share": ("Andel med et tilbud", "Share with an option"),
    "col_e2sfca": ("Tilgængelighed (E2SFCA)", "Accessibility (E2SFCA)"),
    "col_dimension": ("Opdelt efter", "Grouped by"),
    "col_group": ("Gruppe", "Group"),
    "col_placed": ("Placeret", "Placed"),
    "col_share_placed": ("Andel placeret", "Share placed"),
    "col_budget": ("Timebudget", "Hour budget"),
    "col_opened": ("Nye hold", "Teams opened"),
    "col_priority_placed": ("Prioritet placeret", "Priority placed"),
    "col_mean_wait": ("Gns. ventetid", "Mean wait"),
    "col_p90_wait": ("Ventetid, 90 %", "Wait, 90th percentile"),
    "col_breaches": ("Brud på garantien", "Guarantee breaches"),
    "col_mean_travel": ("Gns. rejsetid", "Mean travel"),
    "col_staff_hours": ("Personaletimer", "Staff hours"),
    "col_late": ("For sent", "Late"),
    "col_unplaced": ("Uden plads", "Unplaced"),
    "col_escalated": ("Skal tages op", "Escalated"),
    "col_in_time": ("Til tiden", "In time"),
    "col_opened_ids": ("Åbnede hold", "Opened teams"),
    "col_seconds": ("Sekunder", "Seconds"),
    "col_earliest_wait": ("Tidligst mulige ventetid", "Earliest possible wait"),
    "col_guarantee_days": ("Garanti (dage)", "Guarantee (days)"),
    "col_candidate_id": ("Kandidat", "Candidate"),
    "col_source": ("Kilde", "Source"),
    "col_lat": ("Bredde", "Latitude"),
    "col_lon": ("Længde", "Longitude"),
    "col_serves": ("Borgere der får et tilbud", "Patients served"),
    "col_only_here": ("Kun her", "Only here"),
    "col_offer_name": ("Tilbud", "Offer"),
    # plan status (status_<code>)
    "status_placed": ("placeret", "placed"),
    "status_unplaced": ("uden plads", "unplaced"),
    "status_escalated": ("skal tages op", "escalated"),
    # kinds (kind_<code>)
    "kind_exit_team": ("Udslusningshold", "Exit team"),
    "kind_network_group": ("Netværksgruppe", "Network group"),
    "kind_association": ("Foreningsaktivitet", "Association activity"),
    "kind_home_visit": ("Hjemmebesøg", "Home visit"),
    # time bands (band_<code>) are above; travel modes (mode_<code>)
    "mode_walk": ("gå", "walk"),
    "mode_bike": ("cykel", "bike"),
    "mode_bus": ("bus", "bus"),
    "mode_car": ("bil", "car"),
    "mode_flextrafik": ("flextrafik", "flextrafik"),
    "mode_staff": ("personalet kører", "staff drive"),
    # rules that exclude an option (rule_<code>)
    "rule_escalated": ("skal tages op af en person", "a person must act first"),
    "rule_home": ("kun hjemmebesøg for hjemmebundne", "home visits only for the home-bound"),
    "rule_diagnosis": ("ikke for diagnosen", "not for the diagnosis"),
    "rule_language": ("sprog", "language"),
    "rule_gender": ("køn", "gender"),
    "rule_group_size": ("gruppestørrelse", "group size"),
    "rule_intensity": ("intensitet", "intensity"),
    "rule_supervision": ("mangler fagperson", "no professional present"),
    "rule_fee": ("pris", "fee"),
    "rule_travel": ("rejsetid", "travel time"),
    "rule_time": ("tidspunkt", "time of day"),
    "rule_capacity": ("ingen ledige pladser", "no free places"),
    "rule_no_sessions": ("ingen hold/tider", "no sessions"),
    # diagnoses (diag_<code>)
    "diag_heart": ("hjerte", "heart"),
    "diag_copd": ("KOL", "COPD"),
    "diag_diabetes": ("diabetes", "diabetes"),
    "diag_cancer": ("kræft", "cancer"),
    "diag_musculoskeletal": ("muskler og led", "muscles and joints"),
    "diag_mental": ("psykisk", "mental"),
    "diag_other": ("andet", "other"),
    # group tolerance (tol_<code>) is above; intensity (intensity_<code>)
    "intensity_low": ("let", "low"),
    "intensity_moderate": ("moderat", "moderate"),
    "intensity_high": ("hård", "high"),
    # gender (gender_<code>)
    "gender_woman": ("kvinde", "woman"),
    "gender_man": ("mand", "man"),
    "gender_other": ("andet", "other"),
    # candidate sites (source_<code>)
    "source_venue": ("eksisterende sted", "existing venue"),
    "source_district": ("midt i distriktet", "district centre"),
    # weekdays (day_<code>)
    "day_mon": ("mandag", "Monday"),
    "day_tue": ("tirsdag", "Tuesday"),
    "day_wed": ("onsdag", "Wednesday"),
    "day_thu": ("torsdag", "Thursday"),
    "day_fri": ("fredag", "Friday"),
    "day_sat": ("lørdag", "Saturday"),
    "day_sun": ("søndag", "Sunday"),
    # equity: dimensions (dim_<code>) and groups (group_<code>)
    "dim_gender": ("køn", "gender"),
    "dim_language": ("sprog", "language"),
    "dim_age_band": ("alder", "age band"),
    "dim_district": ("distrikt", "district"),
    "dim_vulnerability": ("sårbarhed", "vulnerability"),
    "dim_vulnerability_flags": ("antal sårbarheder", "vulnerability flags"),
    "group_da": ("taler dansk", "speaks Danish"),
    "group_not_da": ("taler ikke dansk", "does not speak Danish"),
    "group_unknown": ("ukendt", "unknown"),
    "group_outside": ("uden for distrikterne", "outside the districts"),
    "group_lives_alone": ("bor alene", "lives alone"),
    "group_not_lives_alone": ("bor ikke alene", "does not live alone"),
    "group_short_education": ("kort uddannelse", "short education"),
    "group_not_short_education": ("ikke kort uddannelse", "not short education"),
    "group_low_income": ("lav indkomst", "low income"),
    "group_not_low_income": ("ikke lav indkomst", "not low income"),
    "group_multimorbidity": ("flere sygdomme", "several diseases"),
    "group_not_multimorbidity": ("ikke flere sygdomme", "not several diseases"),
    "group_mental_health": ("psykisk sårbar", "mental health"),
    "group_not_mental_health": ("ikke psykisk sårbar", "no mental health flag"),
    # common
    "error": ("Noget gik galt: {message}", "Something went wrong: {message}"),
    "working": ("Arbejder ...", "Working ..."),
}


def text(key: str, lang: str = "da", **values: object) -> str:
    """The text for ``key`` in ``lang`` (``da`` or ``en``), formatted with ``values``."""
    da, en = _TEXT[key]
    template = en if lang == "en" else da
    return template.format(**values) if values else template


def has_text(key: str) -> bool:
    """Whether ``key`` has a text (in both languages)."""
    return key in _TEXT


def text_keys() -> tuple[str, ...]:
    """Every key with a text."""
    return tuple(_TEXT)


def code_key(family: str, code: object) -> str:
    """The key of a coded value: ``code_key("dim", "age band")`` is ``dim_age_band``."""
    return f"{family}_{str(code).strip().lower().replace(' ', '_').replace('-', '_')}"


def code_text(family: str, code: object, lang: str = "da") -> str:
    """A coded value in words: ``code_text("status", "placed", "da")`` is
    ``placeret``. Codes without a text are shown as they are (e.g. a
    district name), and missing values stay empty."""
    if code is None or (isinstance(code, float) and code != code):
        return ""
    key = code_key(family, code)
    return text(key, lang) if key in _TEXT else str(code)


def column_text(column: str, lang: str = "da") -> str:
    """The header of a table column; the column name itself if it has none."""
    key = f"col_{column}"
    return text(key, lang) if key in _TEXT else column


def frame_in(
    frame: pd.DataFrame, lang: str = "da", codes: Mapping[str, str] | None = None
) -> pd.DataFrame:
    """``frame`` for people: coded values in words and headers in ``lang``.

    ``codes`` maps a column to the family of its codes (``status``,
    ``kind``, ``mode``, ``rule``, ``band``, ``diag``, ``tol``, ...); a column
    of tuples (e.g. travel modes) is shown as the words joined by commas.
    Missing values (suppressed counts) stay missing.
    """
    out = frame.copy()
    for column, family in (codes or {}).items():
        if column not in out.columns:
            continue
        original = out[column]
        words = [
            ", ".join(code_text(family, c, lang) for c in v)
            if isinstance(v, tuple | list)
            else code_text(family, v, lang)
            for v in original
        ]
        out[column] = pd.Series(words, index=out.index, dtype=object).where(original.notna())
    return out.rename(columns={c: column_text(str(c), lang) for c in out.columns})


def equity_in(frame: pd.DataFrame, lang: str = "da") -> pd.DataFrame:
    """The equity table for people: dimension and group names and headers in
    ``lang``; district names stay as they are and suppressed cells stay empty."""
    out = frame.copy()
    if {"dimension", "group"} <= set(out.columns):
        groups = [
            str(g) if d == "district" and g != "outside" else code_text("group", g, lang)
            for d, g in zip(out["dimension"], out["group"], strict=True)
        ]
        out["group"] = groups
        out["dimension"] = [code_text("dim", d, lang) for d in out["dimension"]]
    return frame_in(out, lang)
