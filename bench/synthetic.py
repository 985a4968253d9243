"""Synthetic but complete city assessment graphs, for benchmarks.

``synthetic_city(index, seed=0, years=5, target_level=None)`` returns an rdflib Graph
shaped like ``data/examples/exampleton.ttl`` (docs/assessment-format.md), at full scale:

- all 91 U4SSC KPIs of ``ontology/u4ssc-kpis.ttl`` selected, each with a data owner;
- one observation per KPI (per data point for multi-part KPIs) and year, for ``years``
  years before the assessment year: yes/no KPIs get booleans, integer KPIs integers,
  the rest decimals, with plausible magnitudes for the unit (shares of a mode split or of
  waste disposal methods add up to 100), the unit of the KPI or data point, and a trend
  that mostly improves in the KPI's direction;
- a performance matrix with a target for every selected KPI (and data point) at every
  level from where it applies (core: 2-5, advanced: 3-5), rising with the level for
  higher-is-better, falling for lower-is-better, narrowing ranges (``sscmm:Within``) for
  target-range KPIs, rising false -> true for yes/no KPIs;
- all the evidence of Exampleton: departments, strategy with goals covering EC/EN/SC,
  governance body, stakeholder engagement, action plan and initiatives, infrastructure
  plan with a shared, monitored platform, data governance policy, datasets, decisions,
  services revised from feedback, an independent verification, improvement actions, the
  published results and a dated baseline assessment.

``target_level`` (1-5) sets where the KPI performance aspect lands: every KPI meets its
targets up to that level, and at least one KPI that applies at the next level misses the
next level's target (so the other aspects, whose evidence is complete, reach 5 and the
overall level equals ``target_level``). ``None`` draws the level from the seeded random
generator, so a batch of cities covers a mix of levels; within a city each KPI reaches
its own level (at or above the city's), so targets are a mix of met and missed.

Everything comes from ``random.Random(f"{seed}:{index}")`` and the catalogue, iterated in
sorted order: the same arguments give the same Turtle, byte for byte.

CLI: ``python bench/synthetic.py --cities N --out DIR [--seed S] [--years Y] [--level L]``
writes ``DIR/city-0000.ttl`` ... (N files).
"""

from __future__ import annotations

import argparse
import random
import sys
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal
from functools import lru_cache
from pathlib import Path

from rdflib import Graph, Namespace
from rdflib.namespace import RDF, XSD

ROOT = Path(__file__).resolve().parents[1]
CATALOGUE = ROOT / "ontology" / "u4ssc-kpis.ttl"

SSCMM = Namespace("https://w3id.org/sscmm/ontology#")
QUDT = Namespace("http://qudt.org/schema/qudt/")
U4SSC = "https://w3id.org/sscmm/kpi/u4ssc/"
UNIT = "http://qudt.org/vocab/unit/"
SSCMMU = "https://w3id.org/sscmm/unit/"

ASSESSMENT_YEAR = 2024
LEVELS = (1, 2, 3, 4, 5)

PREFIXES = """@prefix sscmm:   <https://w3id.org/sscmm/ontology#> .
@prefix y4904:   <https://w3id.org/sscmm/model/y4904/> .
@prefix u4ssc:   <https://w3id.org/sscmm/kpi/u4ssc/> .
@prefix rdfs:    <http://www.w3.org/2000/01/rdf-schema#> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .
@prefix skos:    <http://www.w3.org/2004/02/skos/core#> .
@prefix dcterms: <http://purl.org/dc/terms/> .
@prefix dcat:    <http://www.w3.org/ns/dcat#> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix org:     <http://www.w3.org/ns/org#> .
@prefix sdmxd:   <http://purl.org/linked-data/sdmx/2009/dimension#> .
@prefix sdmxa:   <http://purl.org/linked-data/sdmx/2009/attribute#> .
@prefix unit:    <http://qudt.org/vocab/unit/> .
@prefix sscmmu:  <https://w3id.org/sscmm/unit/> .
"""

# -- the catalogue -------------------------------------------------------------------


@dataclass(frozen=True)
class Series:
    """One KPI, or one data point of a multi-part KPI: what gets observations and targets."""

    kpi: str            # local name, e.g. EN-EN-AQ-1C
    point: str | None   # local name of the data point, e.g. EN-EN-AQ-1C_PM10
    core: bool
    direction: str      # HigherIsBetter, LowerIsBetter, TargetRange
    value_type: str     # decimal, integer, boolean
    unit: str | None    # CURIE: unit:PERCENT, sscmmu:..., None for yes/no
    dimension: str      # EC, EN, SC
    category: str       # e.g. EC-I-WS

    @property
    def key(self):
        return self.point or self.kpi

    @property
    def first_target_level(self):
        return 2 if self.core else 3


def _local(term):
    text = str(term)
    return text.rsplit("#", 1)[-1].rsplit("/", 1)[-1]


def _curie(unit):
    if unit is None:
        return None
    text = str(unit)
    if text.startswith(UNIT):
        return "unit:" + text[len(UNIT):]
    if text.startswith(SSCMMU):
        return "sscmmu:" + text[len(SSCMMU):]
    return f"<{text}>"


@lru_cache(maxsize=1)
def catalogue() -> tuple[Series, ...]:
    """Every KPI and data point of the U4SSC catalogue, sorted by KPI and data point."""
    g = Graph().parse(CATALOGUE, format="turtle")
    series = []
    for kpi in sorted(g.subjects(RDF.type, SSCMM.KPI)):
        name = _local(kpi)
        core = _local(g.value(kpi, SSCMM.kpiType)) == "Core"
        direction = _local(g.value(kpi, SSCMM.direction))
        value_type = _local(g.value(kpi, SSCMM.valueType) or XSD.decimal)
        unit = _curie(g.value(kpi, QUDT.hasUnit))
        dimension = _local(g.value(kpi, SSCMM.dimension))
        category = _local(g.value(kpi, SSCMM.category))
        points = sorted(g.objects(kpi, SSCMM.hasDataPoint))
        if not points:
            series.append(Series(name, None, core, direction, value_type, unit, dimension, category))
        for point in points:
            series.append(Series(name, _local(point), core, _local(g.value(point, SSCMM.direction) or direction),
                                 value_type, _curie(g.value(point, QUDT.hasUnit)) or unit, dimension, category))
    return tuple(series)


def kpis() -> list[str]:
    """The local names of the catalogue's KPIs, sorted."""
    return sorted({s.kpi for s in catalogue()})


# -- plausible values ------------------------------------------------------------------

# Latest value range (low, high) per KPI or data point; otherwise per unit and direction.
RANGES = {
    "EC-I-B-1A": (5, 50), "EC-I-B-2A": (10, 70), "EC-I-ES-1C": (0.3, 4), "EC-I-ES-2C": (40, 180),
    "EC-I-ES-3C": (95, 99.8), "EC-I-T-1C": (20, 150), "EC-I-T-2A": (60, 98), "EC-I-T-3C": (5, 120),
    "EC-I-T-5A": (1.1, 1.9), "EC-I-T-6A": (50, 1500), "EC-I-T-7A": (10, 300), "EC-I-T-8A": (1, 25),
    "EC-I-UP-1A": (30, 90), "EC-I-WA-1C": (85, 99.8), "EC-I-WS-1C": (90, 99.8), "EC-I-WS-2C": (88, 99.8),
    "EC-I-WS-3C": (8, 35), "EC-I-WS-4C": (70, 99), "EC-I-WS-5C": (80, 99.8), "EC-ICT-ES-3A": (1, 20),
    "EC-ICT-ICT-1C": (70, 99), "EC-ICT-ICT-2C": (20, 45), "EC-ICT-ICT-3C": (60000, 150000),
    "EC-ICT-ICT-4C_3G": (90, 99.8), "EC-ICT-ICT-4C_4G": (75, 99), "EC-ICT-ICT-5C": (20, 2500),
    "EC-ICT-PS-1A_number": (20, 800), "EC-ICT-PS-1A_percent": (10, 70), "EC-ICT-PS-2A": (30, 500),
    "EC-P-EM-1C": (2, 12), "EC-P-EM-2C": (6, 30), "EC-P-EM-3A": (2, 12), "EC-P-EM-4A": (2, 9),
    "EC-P-IN-1C": (0.5, 4.5), "EC-P-IN-2C": (2, 120), "EC-P-IN-3A": (90, 99.5), "EN-E-E-1C": (10, 60),
    "EN-E-E-2C": (2000, 8000), "EN-E-E-3C": (10, 60), "EN-E-E-4A": (80, 280),
    "EN-EN-AQ-1C_NO2": (10, 60), "EN-EN-AQ-1C_O3": (40, 100), "EN-EN-AQ-1C_PM10": (10, 50),
    "EN-EN-AQ-1C_PM2-5": (5, 30), "EN-EN-AQ-1C_SO2": (2, 20), "EN-EN-AQ-2C": (2, 12),
    "EN-EN-EQ-1C": (95, 99.8), "EN-EN-EQ-2A": (5, 30), "EN-EN-PSN-1C": (50, 1500), "EN-EN-PSN-2A": (50, 95),
    "EN-EN-PSN-3A": (2, 25), "EN-EN-PSN-4A": (5000, 60000), "EN-EN-WS-1C": (95, 99.8),
    "EN-EN-WS-2C": (100, 300), "EN-EN-WS-3C": (20, 80), "SC-EH-C-1C": (0.5, 4), "SC-EH-C-2A": (5, 60),
    "SC-EH-ED-1C": (60, 99.5), "SC-EH-ED-2C": (85, 99.5), "SC-EH-ED-3C": (10000, 40000),
    "SC-EH-ED-4C": (90, 99.8), "SC-EH-ED-5A": (30, 95), "SC-EH-H-1C": (72, 85), "SC-EH-H-2C": (3, 60),
    "SC-EH-H-3C": (150, 500), "SC-EH-H-4A": (200, 800), "SC-EH-H-5A": (80, 99.8), "SC-SH-FS-1A": (2, 30),
    "SC-SH-HO-1C": (0.2, 15), "SC-SH-HO-2A": (15, 40), "SC-SH-SA-1C": (0.05, 3), "SC-SH-SA-2C": (0.01, 1.5),
    "SC-SH-SA-4A": (1, 20), "SC-SH-SA-5A": (5, 18), "SC-SH-SA-6C": (180, 420), "SC-SH-SA-7C": (40, 140),
    "SC-SH-SA-8C": (40, 700), "SC-SH-SA-9C": (1, 12), "SC-SH-SI-2C": (0.24, 0.48), "SC-SH-SI-3C": (3, 25),
    "SC-SH-SI-4C": (35, 80), "SC-SH-SI-5A": (40, 95),
}
UNIT_RANGES = {"unit:PERCENT": {"HigherIsBetter": (45, 98), "LowerIsBetter": (3, 35)},
               "sscmmu:PER-100K-INHABITANTS": (10, 500), "unit:NUM": (10, 500)}
# Hard bounds of a value (besides >= 0).
UPPER = {"unit:PERCENT": 100.0}
LOWER = {"EC-I-T-5A": 1.0}
FINE = {"unit:UNITLESS", "sscmmu:INTERRUPTION-PER-CUSTOMER-PER-YR", "sscmmu:PERCENT-OF-CITY-GDP",
        "sscmmu:FEMALE-TO-MALE-RATIO"}
# Multi-part KPIs whose parts are shares of one whole.
SHARES = {"EC-I-T-4A": {"EC-I-T-4A_public-transport": 30, "EC-I-T-4A_walking": 22, "EC-I-T-4A_cycling": 10,
                        "EC-I-T-4A_private-vehicle": 33, "EC-I-T-4A_para-transport": 5},
          "EN-EN-WA-1C": {"EN-EN-WA-1C_recycled": 35, "EN-EN-WA-1C_landfill": 30, "EN-EN-WA-1C_incinerated": 20,
                          "EN-EN-WA-1C_open-dump": 3, "EN-EN-WA-1C_burnt": 2, "EN-EN-WA-1C_other": 10}}
# Wastewater treatment levels are cumulative: primary >= secondary >= tertiary.
CUMULATIVE = {"EN-EN-WS-4C": ("EN-EN-WS-4C_primary", "EN-EN-WS-4C_secondary", "EN-EN-WS-4C_tertiary")}
GENDER_WIDTHS = {1: 0.32, 2: 0.20, 3: 0.15, 4: 0.10, 5: 0.05, 6: 0.0}  # half-width of the level's range around 1


def _decimals(s: Series):
    if s.value_type == "integer" or s.unit == "unit:NUM":  # counts: whole numbers
        return 0
    return 3 if s.unit in FINE or s.key in ("SC-SH-SA-1C",) else 2


def _quantum(s):
    return Decimal(1).scaleb(-_decimals(s))


def _fmt(x, s):
    """A value or target as a Turtle literal of the series' datatype."""
    if s.value_type == "boolean":
        return "true" if x else "false"
    d = _decimals(s)
    q = Decimal(repr(float(x))).quantize(Decimal(1).scaleb(-d), rounding=ROUND_HALF_EVEN)
    if d == 0:  # a whole number: an xsd:integer for integer KPIs, else an xsd:decimal
        return str(int(q)) if s.value_type == "integer" else f"{int(q)}.0"
    return format(q, "f")


def _bounds(s):
    return LOWER.get(s.key, 0.0), UPPER.get(s.unit, float("inf"))


def _latest_range(s):
    r = RANGES.get(s.key) or RANGES.get(s.kpi) or UNIT_RANGES.get(s.unit) or (1, 100)
    return r[s.direction] if isinstance(r, dict) else r


def _latest_values(rng, series):
    """The latest value of every numeric series (shares of one whole add up to 100)."""
    latest = {}
    for s in series:
        if s.value_type == "boolean" or s.direction == "TargetRange" or s.kpi in SHARES or s.kpi in CUMULATIVE:
            continue
        lo, hi = _latest_range(s)
        latest[s.key] = rng.uniform(lo, hi)
    for kpi, weights in sorted(SHARES.items()):
        raw = {k: w * rng.uniform(0.6, 1.4) for k, w in sorted(weights.items())}
        total = sum(raw.values())
        latest.update({k: 100.0 * v / total for k, v in raw.items()})
    for kpi, points in sorted(CUMULATIVE.items()):
        value = rng.uniform(85, 99)
        for point in points:
            latest[point] = value
            value *= rng.uniform(0.55, 0.9)
    return latest


# -- reach levels: the highest level whose target a series meets -------------------------


def _reach_levels(rng, series, level):
    """Per series, the highest level whose target its latest value meets (>= level); at
    least one series that applies at level + 1 meets exactly ``level``."""
    reach = {}
    for s in series:
        if rng.random() < 0.15:
            reach[s.key] = level
        else:
            reach[s.key] = rng.choice([lv for lv in LEVELS if lv >= level] + [5, 5])
    if level < 5:
        candidates = [s for s in series if s.first_target_level <= level + 1]
        if not any(reach[s.key] == level for s in candidates):
            reach[rng.choice(candidates).key] = level
    return reach


def _targets(rng, s, latest, reach):
    """{level: (comparator or None, value, min, max)} for the levels from where s applies."""
    levels = [lv for lv in LEVELS if lv >= s.first_target_level]
    if s.value_type == "boolean":  # false up to the reach level, then true (all true when met at 5)
        return {lv: (None, reach >= 5 or lv > reach, None, None) for lv in levels}
    if s.direction == "TargetRange":
        return {lv: ("Within", None, 1 - GENDER_WIDTHS[lv], 1 + GENDER_WIDTHS[lv]) for lv in levels}
    sign = 1 if s.direction == "HigherIsBetter" else -1
    lo, hi = _bounds(s)
    step = abs(latest) * rng.uniform(0.03, 0.08) + float(_quantum(s)) * 4
    # Keep every target inside the bounds: shrink the step when the value is near one.
    up, down = (hi - latest, latest - lo) if sign > 0 else (latest - lo, hi - latest)
    above, below = 4.5 - reach, reach + 0.5 - levels[0]   # steps past the value, on each side
    if above > 0:
        step = min(step, up / above)
    if below > 0:
        step = min(step, down / below)
    comparator = None
    if rng.random() < 0.2:
        comparator = "AtLeast" if sign > 0 else "AtMost"
    return {lv: (comparator, latest + sign * (lv - reach - 0.5) * step, None, None) for lv in levels}


def _meets(value, target, s, comparator):
    v, t = Decimal(value), Decimal(target)
    if (comparator or ("AtLeast" if s.direction == "HigherIsBetter" else "AtMost")) == "AtLeast":
        return v >= t
    return v <= t


# -- time series ---------------------------------------------------------------------------


def _history(rng, s, latest, years):
    """Values from the earliest year to the latest: mostly improving in the direction."""
    values = [latest]
    lo, hi = _bounds(s)
    sign = 1 if s.direction == "HigherIsBetter" else -1
    for _ in range(years - 1):
        previous = values[-1] - sign * abs(values[-1]) * rng.uniform(-0.02, 0.06)
        values.append(min(max(previous, lo + float(_quantum(s))), hi))
    return values[::-1]


def _renormalise(history, keys, years):
    """Shares of one whole: make every year add up to 100 (the latest already does)."""
    for year in range(years - 1):
        total = sum(history[k][year] for k in keys)
        for k in keys:
            history[k][year] = 100.0 * history[k][year] / total


# -- the graph ------------------------------------------------------------------------------

DEPARTMENTS = [
    ("dept-digital", "Digital Services"), ("dept-economy", "Economic Development"),
    ("dept-education", "Education"), ("dept-energy", "Energy and Climate"),
    ("dept-environment", "Environment"), ("dept-health", "Public Health"),
    ("dept-culture", "Culture and Leisure"), ("dept-safety", "Public Safety"),
    ("dept-social", "Social Affairs"), ("dept-transport", "Transport"), ("dept-utilities", "Water and Utilities"),
]
OWNER_BY_CATEGORY = {
    "EC-I-B": "dept-energy", "EC-I-ES": "dept-utilities", "EC-I-T": "dept-transport", "EC-I-UP": "dept-transport",
    "EC-I-WA": "dept-environment", "EC-I-WS": "dept-utilities", "EC-ICT": "dept-digital", "EC-P": "dept-economy",
    "EN-E": "dept-energy", "EN-EN": "dept-environment", "SC-EH-C": "dept-culture", "SC-EH-ED": "dept-education",
    "SC-EH-H": "dept-health", "SC-SH-FS": "dept-social", "SC-SH-HO": "dept-social", "SC-SH-SA": "dept-safety",
    "SC-SH-SI": "dept-social",
}
NAME_HEADS = ["Ash", "Bright", "Cedar", "Dun", "Elm", "Fair", "Glen", "Har", "Iver", "Kings", "Lark", "Mill",
              "North", "Oak", "Pine", "Queens", "Rose", "Stone", "Thorn", "Wes"]
NAME_TAILS = ["ford", "haven", "mouth", "bury", "wick", "field", "port", "dale", "stead", "borough"]
GOALS = {"EC": ["Digital economy for all", "Reliable urban infrastructure", "Innovation and good jobs"],
         "EN": ["Clean air and low emissions", "Circular use of water and waste", "Green and healthy spaces"],
         "SC": ["Safe and inclusive city", "Healthy and educated citizens", "Affordable housing and care"]}
INITIATIVES = ["Open data programme", "Adaptive traffic management", "Smart metering roll-out",
               "Air quality sensor network", "Digital permits and e-services", "Flood early warning",
               "Telehealth pilot", "Smart street lighting"]
STATUSES = ["Operational", "InProgress", "Planned", "Operational", "InProgress"]
ITEMS = ["Municipal fibre ring", "Public Wi-Fi network", "LoRaWAN sensor network", "Smart grid control centre",
         "Traffic signal network"]
DATASETS = [("air-quality", "Air quality measurements"), ("mobility", "Public transport ridership"),
            ("energy", "Energy consumption of public buildings"), ("water", "Water network measurements")]
SERVICES = ["Real-time journey planner", "Citizen service portal", "Parking guidance app",
            "Waste collection scheduler"]


def _city_name(rng, index):
    return f"{rng.choice(NAME_HEADS)}{rng.choice(NAME_TAILS)} {index:04d}"


def _obj_list(items):
    return " , ".join(items)


def _wrapped(items, per_line=5):
    items = list(items)
    return " ,\n        ".join(" , ".join(items[i:i + per_line]) for i in range(0, len(items), per_line))


def synthetic_city_turtle(index: int, seed: int = 0, years: int = 5, target_level: int | None = None) -> str:
    """The Turtle of ``synthetic_city`` (deterministic, byte for byte)."""
    if years < 1:
        raise ValueError("years must be at least 1")
    if target_level is not None and target_level not in LEVELS:
        raise ValueError("target_level must be 1..5 (level 0 would need an incomplete graph)")
    rng = random.Random(f"sscmm-synthetic:{seed}:{index}")
    level = target_level if target_level is not None else rng.choice(LEVELS)
    series = catalogue()
    name = _city_name(rng, index)
    base = f"https://data.city-{index:04d}.example/ssc/"
    first_year = ASSESSMENT_YEAR - years
    out = [f"# Synthetic city {index} (seed {seed}, {years} year{'s' if years != 1 else ''} of observations, "
           f"KPI performance level {level}),",
           "# generated by bench/synthetic.py: complete evidence, all 91 U4SSC KPIs.", "",
           f"@prefix :        <{base}> .", PREFIXES]
    w = out.append

    # City and departments
    depts = [d for d, _ in DEPARTMENTS]
    w("### City and departments")
    w(f':city a sscmm:City ;\n    rdfs:label "{name}" ;\n    org:hasUnit {_obj_list(":" + d for d in depts)} .')
    for d, label in DEPARTMENTS:
        w(f':{d} a org:OrganizationalUnit ; rdfs:label "{label}" .')

    # Assessments
    improvements = [f":action-{i}" for i in range(1, rng.randint(1, 3) + 1)]
    sels = [f":sel-{k}" for k in kpis()]
    w("\n### The assessment under evaluation and its baseline")
    w(f""":assessment-{ASSESSMENT_YEAR} a sscmm:Assessment ;
    sscmm:forCity :city ;
    sscmm:usesModel y4904:model ;
    sscmm:modelVersion "1.0.0" ;
    sscmm:assessmentDate "{ASSESSMENT_YEAR}-{rng.randint(3, 9):02d}-{rng.randint(1, 28):02d}"^^xsd:date ;
    prov:wasAssociatedWith :smart-city-office ;
    sscmm:baseline :assessment-{first_year} ;
    sscmm:hasKPISelection {_wrapped(sels)} ;
    sscmm:hasPerformanceMatrix :matrix ;
    sscmm:verifiedBy :verification-{ASSESSMENT_YEAR} ;
    sscmm:recordsImprovementAction {_obj_list(improvements)} ;
    sscmm:resultsPublishedAt <https://www.city-{index:04d}.example/ssc/assessment-{ASSESSMENT_YEAR}> .""")
    w(f""":assessment-{first_year} a sscmm:Assessment ;
    sscmm:forCity :city ;
    sscmm:usesModel y4904:model ;
    sscmm:assessmentDate "{min(first_year + 1, ASSESSMENT_YEAR - 1)}-{rng.randint(1, 6):02d}-{rng.randint(1, 28):02d}"^^xsd:date ;
    prov:wasAssociatedWith :smart-city-office .""")
    w(f""":verification-{ASSESSMENT_YEAR} a sscmm:Verification ;
    prov:used :assessment-{ASSESSMENT_YEAR} ;
    prov:wasAssociatedWith :independent-verifier ;
    prov:endedAtTime "{ASSESSMENT_YEAR}-10-{rng.randint(1, 28):02d}T00:00:00Z"^^xsd:dateTime .
:independent-verifier a prov:Agent , org:Organization ; rdfs:label "Independent Verification {index:04d}" .""")
    for i, action in enumerate(improvements, 1):
        w(f'{action} a sscmm:ImprovementAction ; rdfs:label "Improvement action {i} after comparing with the baseline" .')

    # Selections
    w("\n### KPI selections, each with a data owner")
    for k in kpis():
        s = next(x for x in series if x.kpi == k)
        owner = OWNER_BY_CATEGORY[max((c for c in OWNER_BY_CATEGORY if s.category == c or s.category.startswith(c + "-")),
                                      key=len)]
        w(f":sel-{k} a sscmm:KPISelection ; sscmm:kpi u4ssc:{k} ; sscmm:dataOwner :{owner} .")

    # Values, reach levels, targets
    latest = _latest_values(rng, series)
    reach = _reach_levels(rng, series, level)
    history, targets = {}, {}
    for s in series:
        r = reach[s.key]
        if s.value_type == "boolean":
            met_all = r >= 5
            history[s.key] = [False] * (years - 1) + [met_all] if years > 1 else [met_all]
            if met_all and years > 2:
                turned = rng.randint(1, years - 1)
                history[s.key] = [y >= turned for y in range(years)]
        elif s.direction == "TargetRange":
            wide, narrow = GENDER_WIDTHS[r], GENDER_WIDTHS[r + 1]
            gap = narrow + (wide - narrow) * rng.uniform(0.2, 0.8)
            values = [1 - gap]
            for _ in range(years - 1):
                values.append(max(values[-1] - rng.uniform(0.0, 0.02), 0.5))
            history[s.key] = values[::-1]
        else:
            history[s.key] = _history(rng, s, latest[s.key], years)
        targets[s.key] = _targets(rng, s, _round(history[s.key][-1], s), r)
    for kpi, weights in sorted(SHARES.items()):
        _renormalise(history, sorted(weights), years)
    for kpi, points in sorted(CUMULATIVE.items()):
        for wider, narrower in zip(points, points[1:]):
            history[narrower] = [min(a, b) for a, b in zip(history[wider], history[narrower])]

    w("\n### The performance matrix")
    cells = []
    for s in series:
        for lv in sorted(targets[s.key]):
            cells.append(f":t-{s.key}-{lv}")
    w(f":matrix a sscmm:PerformanceMatrix ;\n    sscmm:forCity :city ;\n    sscmm:hasTarget {_wrapped(cells)} .")
    for s in series:
        point = f" sscmm:dataPoint u4ssc:{s.point} ;" if s.point else ""
        value = _fmt(history[s.key][-1], s)
        for lv, (comparator, target, tmin, tmax) in sorted(targets[s.key].items()):
            text = f":t-{s.key}-{lv} a sscmm:Target ; sscmm:kpi u4ssc:{s.kpi} ;{point} sscmm:level y4904:level-{lv} ;"
            if comparator:
                text += f" sscmm:comparator sscmm:{comparator} ;"
            if comparator == "Within":
                lo_s, hi_s = _fmt(tmin, s), _fmt(tmax, s)
                text += f" sscmm:targetMin {lo_s} ; sscmm:targetMax {hi_s} ."
                met = Decimal(lo_s) <= Decimal(value) <= Decimal(hi_s)
            else:
                t = _fmt(target, s)
                text += f" sscmm:targetValue {t} ."
                met = (value == "true" or t == "false") if s.value_type == "boolean" else _meets(value, t, s, comparator)
            if met != (lv <= reach[s.key]):  # the generator's own promise; never expected to fire
                raise AssertionError(f"{s.key} level {lv}: value {value}, target {text}")
            w(text)

    w("\n### KPI observations")
    for s in series:
        for y, x in enumerate(history[s.key]):
            year = first_year + y
            unit = f" sdmxa:unitMeasure {s.unit} ;" if s.unit else ""
            point = f" sscmm:dataPoint u4ssc:{s.point} ;" if s.point else ""
            status = "Verified" if rng.random() < 0.8 else "Reported"
            quality = rng.choice(["QualityMeasured", "QualityMeasured", "QualityEstimated", "QualityModelled"])
            w(f":obs-{s.key}-{year} a sscmm:KPIObservation ; sscmm:kpi u4ssc:{s.kpi} ;{point} sdmxd:refArea :city ;\n"
              f'    sdmxd:refPeriod "{year}"^^xsd:gYear ; sscmm:kpiValue {_fmt(x, s)} ;{unit}\n'
              f"    sscmm:verificationStatus sscmm:{status} ; sscmm:dataQuality sscmm:{quality} .")

    _evidence(w, rng, index, name, depts, first_year)
    return "\n".join(out) + "\n"


def _round(x, s):
    if s.value_type == "boolean":
        return x
    return float(_fmt(x, s))


def _evidence(w, rng, index, name, depts, first_year):
    """Strategy, goals, plan, initiatives, infrastructure, data, decisions, services."""
    goals = []  # (iri, dimension, label)
    for dim in ("EC", "EN", "SC"):
        for i, label in enumerate(rng.sample(GOALS[dim], rng.randint(1, 2)), 1):
            goals.append((f":goal-{dim.lower()}-{i}", dim, label))
    initiatives = rng.sample(INITIATIVES, rng.randint(2, 6))
    items = ["Platform"] + rng.sample(ITEMS, rng.randint(1, 4))
    datasets = rng.sample(DATASETS, rng.randint(1, 4))
    services = rng.sample(SERVICES, rng.randint(1, 4))
    members = sorted(rng.sample(depts, rng.randint(3, 6)))

    w("\n### Strategy")
    w(f""":city sscmm:hasStrategy :strategy .
:strategy a sscmm:Strategy ;
    dcterms:title "{name} Smart and Sustainable 2030" ;
    sscmm:vision "A liveable, low-carbon city where public services are digital by default." ;
    dcterms:issued "{first_year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}"^^xsd:date ;
    sscmm:hasGoal {_obj_list(g for g, _, _ in goals)} ;
    sscmm:hasActionPlan :plan ;
    sscmm:coordinatedBy :smart-city-office ;
    sscmm:hasStakeholderEngagement :citizen-panel ;
    sscmm:partOfMasterPlan <https://www.city-{index:04d}.example/masterplan-2030> ;
    sscmm:revisedInLightOf :assessment-{first_year} .""")
    for iri, dim, label in goals:
        w(f'{iri} a sscmm:Goal ; skos:prefLabel "{label}"@en ; sscmm:coversDimension u4ssc:{dim} .')
    w(f""":smart-city-office a sscmm:GovernanceBody ;
    rdfs:label "Smart City Office" ;
    org:hasMember {_obj_list(":" + d for d in members)} .
:citizen-panel a sscmm:StakeholderEngagement ; rdfs:label "Citizen panel on the SSC strategy" ;
    prov:startedAtTime "{first_year}-03-01T00:00:00Z"^^xsd:dateTime .""")
    w(f':plan a sscmm:ActionPlan ;\n    rdfs:label "SSC action plan" ;\n    sscmm:includesInitiative '
      f'{_obj_list(f":init-{i}" for i in range(1, len(initiatives) + 1))} .')
    for i, label in enumerate(initiatives, 1):
        w(f""":init-{i} a sscmm:Initiative ;
    rdfs:label "{label}" ;
    sscmm:supportsGoal {rng.choice(goals)[0]} ;
    sscmm:responsibleDepartment :{rng.choice(depts)} ;
    sscmm:implementationStatus sscmm:{rng.choice(STATUSES)} .""")

    w("\n### ICT infrastructure")
    item_iris = [f":item-{i}" for i in range(1, len(items) + 1)]
    w(f':city sscmm:hasInfrastructurePlan :infra-plan .\n:infra-plan a sscmm:InfrastructurePlan ;\n'
      f'    rdfs:label "ICT infrastructure inventory" ;\n    sscmm:includesItem {_obj_list(item_iris)} .')
    users = sorted(rng.sample(depts, rng.randint(2, 5)))
    w(f""":item-1 a sscmm:Platform ;
    rdfs:label "City IoT and data platform" ;
    sscmm:supportsGoal {rng.choice(goals)[0]} ;
    sscmm:implementationStatus sscmm:Operational ;
    sscmm:usedBy {_obj_list(":" + d for d in users)} ;
    sscmm:monitoredBy :kpi-platform-uptime .""")
    for i, label in enumerate(items[1:], 2):
        w(f""":item-{i} a sscmm:InfrastructureItem ;
    rdfs:label "{label}" ;
    sscmm:supportsGoal {rng.choice(goals)[0]} ;
    sscmm:implementationStatus sscmm:{rng.choice(STATUSES)} .""")
    w(""":kpi-platform-uptime a sscmm:KPI ;
    skos:prefLabel "IoT platform availability"@en ;
    sscmm:direction sscmm:HigherIsBetter ;
    sscmm:valueType xsd:decimal .""")

    w("\n### Data")
    w(f""":city sscmm:hasDataGovernancePolicy :data-policy .
:data-policy a sscmm:DataGovernancePolicy ;
    rdfs:label "{name} data governance policy" ;
    sscmm:linkedToStrategy :strategy .""")
    w(f":city sscmm:publishesDataset {_obj_list(f':ds-{key}' for key, _ in datasets)} .")
    for key, title in datasets:
        w(f""":ds-{key} a dcat:Dataset ;
    dcterms:title "{title}" ;
    dcterms:license <https://creativecommons.org/licenses/by/4.0/> ;
    dcat:distribution :ds-{key}-csv ;
    dcterms:conformsTo <https://www.w3.org/TR/vocab-data-cube/> ;
    sscmm:usedBy {_obj_list(":" + d for d in sorted(rng.sample(depts, rng.randint(2, 4))))} .
:ds-{key}-csv a dcat:Distribution ;
    dcat:downloadURL <https://data.city-{index:04d}.example/{key}.csv> ;
    dcat:mediaType <https://www.iana.org/assignments/media-types/text/csv> .""")
    decisions = [f":decision-{i}" for i in range(1, rng.randint(1, 3) + 1)]
    w(f":city sscmm:documentsDecision {_obj_list(decisions)} .")
    for i, decision in enumerate(decisions, 1):
        w(f"""{decision} a sscmm:Decision ;
    rdfs:label "Decision {i} informed by city data" ;
    prov:used :ds-{rng.choice(datasets)[0]} ;
    prov:endedAtTime "{ASSESSMENT_YEAR - 1}-{rng.randint(1, 12):02d}-01T00:00:00Z"^^xsd:dateTime .""")

    w("\n### Services and applications")
    w(f":city sscmm:providesService {_obj_list(f':svc-{i}' for i in range(1, len(services) + 1))} .")
    for i, label in enumerate(services, 1):
        status = "Operational" if i == 1 else rng.choice(STATUSES)
        sources = [":item-1"] + [":" + d for d in sorted(rng.sample(depts, rng.randint(1, 2)))]
        w(f""":svc-{i} a sscmm:CityService ;
    rdfs:label "{label}" ;
    sscmm:implementationStatus sscmm:{status} ;
    sscmm:usesDataFrom {_obj_list(sources)} ;
    sscmm:revisedInLightOf :feedback-{i} .
:feedback-{i} a sscmm:UserFeedback ; rdfs:label "User survey on the {label.lower()}" .""")


def synthetic_city(index: int, seed: int = 0, years: int = 5, target_level: int | None = None) -> Graph:
    """A complete synthetic city assessment graph (see the module docstring)."""
    return Graph().parse(data=synthetic_city_turtle(index, seed, years, target_level), format="turtle")


def main(argv=None):
    parser = argparse.ArgumentParser(description="Write synthetic, complete city assessment graphs as Turtle.")
    parser.add_argument("--cities", type=int, default=20, help="how many cities (default 20)")
    parser.add_argument("--out", type=Path, required=True, help="folder to write city-NNNN.ttl into")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--years", type=int, default=5, help="years of observations per KPI (default 5)")
    parser.add_argument("--level", type=int, choices=LEVELS, default=None,
                        help="KPI performance level every city lands at (default: a mix)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    for i in range(args.cities):
        path = args.out / f"city-{i:04d}.ttl"
        path.write_text(synthetic_city_turtle(i, args.seed, args.years, args.level), encoding="utf-8")
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
