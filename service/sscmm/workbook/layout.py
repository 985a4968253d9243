"""The workbook's sheets and columns: the names the template writes and the reader looks
for (by header text, so a city may reorder columns). The content of every list comes from
the model (vocabulary.py); this module only names the places."""

import re

INSTRUCTIONS = "Instructions"
CITY = "City"
DEPARTMENTS = "Departments"
KPIS = "KPIs"
MATRIX = "Performance matrix"
ACHIEVEMENTS = "Achievements"
EVIDENCE = "Evidence"
LISTS = "Lists"  # hidden: the drop-down vocabularies
DATA_SHEETS = (CITY, DEPARTMENTS, KPIS, MATRIX, ACHIEVEMENTS, EVIDENCE)

# City sheet: (field, what it is, required). Field names are read back exactly (case-insensitive).
BASE = "Base IRI"
CITY_ID = "City ID"
CITY_NAME = "City name"
ASSESSMENT_ID = "Assessment ID"
ASSESSMENT_DATE = "Assessment date"
MODEL = "Model"
MODEL_VERSION = "Model version"
ASSESSOR = "Assessor"
BASELINE = "Baseline assessment"
MATRIX_ID = "Performance matrix ID"
VERIFIED_BY = "Verified by"
ACTIONS = "Improvement actions"
PUBLISHED_AT = "Results published at"
CITY_FIELDS = (
    (BASE, "the namespace of the city's own IRIs; every ID in this workbook is relative to it", True),
    (CITY_ID, "the city's ID (e.g. city)", True),
    (CITY_NAME, "the city's name", False),
    (ASSESSMENT_ID, "this assessment's ID (e.g. assessment-2024)", True),
    (ASSESSMENT_DATE, "when the assessment was made (a date)", True),
    (MODEL, "the maturity model assessed against (its short name)", True),
    (MODEL_VERSION, "the model version used", False),
    (ASSESSOR, "ID of the body, department or consultant that made the assessment", False),
    (BASELINE, "ID of the earlier assessment this one is compared with (leave empty the first time)", False),
    (MATRIX_ID, "ID of the performance matrix (needed when the matrix sheet has targets)", False),
    (VERIFIED_BY, "ID(s) of the independent verification (describe it on the Evidence sheet)", False),
    (ACTIONS, "ID(s) of the improvement actions recorded (describe them on the Evidence sheet)", False),
    (PUBLISHED_AT, "link to where the results are published", False),
)

# Departments
DEPT_ID, DEPT_NAME = "ID", "Name"

# KPIs sheet
CODE, NAME, UNIT, DIRECTION, DATA_POINT = "Code", "Name", "Unit", "Direction", "Data point"
SELECTION, OWNER, SOURCE, APPLIES_FROM, ROW_ID = "Selection ID", "Data owner", "Source", "Applies from level", "Row ID"
KPI_COLUMNS = (CODE, NAME, UNIT, DIRECTION, DATA_POINT, SELECTION, OWNER, SOURCE, APPLIES_FROM, ROW_ID)
KPI_INFORMATIVE = (NAME, DIRECTION)  # written for people, not read back
STATUS_SUFFIX, QUALITY_SUFFIX = " status", " quality"
YEAR_HEADER = re.compile(r"^(\d{4})( status| quality)?$")

# Performance matrix
COMPARATOR, BASELINE_VALUE = "Comparator", "Baseline (from the KPIs sheet; not read)"
MATRIX_COLUMNS = (CODE, DATA_POINT, ROW_ID, COMPARATOR, BASELINE_VALUE)
LEVEL_HEADER = re.compile(r"^Level\s+(\S+)\b")
RANGE = re.compile(r"^\s*(\S+)\s*(?:to|\.\.|–)\s*(\S+)\s*$")


def level_header(level):
    return f"Level {level.order} {level.name}"


# Achievements checklist
LEVEL, ASPECT, ACHIEVEMENT, CRITERION = "Level", "Aspect", "Achievement", "Criterion"
EV_TITLE, EV_LINK, EV_DATE, EV_STATUS = "Evidence title", "Evidence link", "Evidence date", "Evidence status"
ACHIEVEMENT_COLUMNS = (LEVEL, ASPECT, ACHIEVEMENT, CRITERION, EV_TITLE, EV_LINK, EV_DATE, EV_STATUS)

# Evidence: one row per thing, one column per property ("label [prefix:property kind]")
EV_ID, EV_TYPE = "ID", "Type"
LINK_KIND, TEXT_KIND = "link", "text"
PROPERTY_HEADER = re.compile(r"\[\s*(\S+)\s+(\S+)\s*\]\s*$")


def property_header(label, prop, kind):
    return f"{label} [{prop} {kind}]"


def observation_id(row_id, year):
    return f"obs-{row_id}-{year}"


def target_id(row_id, level):
    return f"t-{row_id}-{level.order}"


def evidence_id(achievement_local, index):
    return f"evidence-{achievement_local}" + (f"-{index}" if index > 1 else "")
