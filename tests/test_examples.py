"""The example cities in data/examples/ reach the levels their header comments state.

The table below is the single place that says what each example is expected to reach:
the overall level, the level of each of the six aspects, and (where given) the KPI
performance level of each KPI dimension (EC Economy, EN Environment, SC Society and
culture). A new example file without an entry here makes test_every_example_has_expectations
fail.
"""

import csv

import pytest

from sscmm.engine import assess
from sscmm.paths import ROOT
from sscmm.rdfio import parse_file

from .conftest import run_cli

EXAMPLES = ROOT / "data" / "examples"
REFERENCE_CSV = ROOT / "data" / "reference" / "u4ssc_city_values.csv"

# file: overall level, level per aspect, KPI performance level per dimension (optional:
# only dimensions that have selected KPIs are listed; the engine reports 5 for a
# dimension with no selected KPI, which is not asserted here).
EXPECTED = {
    "exampleton.ttl": {
        "overall": 5,
        "aspects": {"Strategy": 5, "ICT infrastructure": 5, "Data": 5,
                    "Services and applications": 5, "Assessment": 5, "KPI performance": 5},
        "dimensions": {"EC": 5, "EN": 5, "SC": 5},
    },
    "brackenford.ttl": {  # pre-maturity: no strategy
        "overall": 0,
        "aspects": {"Strategy": 0, "ICT infrastructure": 1, "Data": 1,
                    "Services and applications": 0, "Assessment": 1, "KPI performance": 1},
        "dimensions": {"EC": 1, "EN": 1, "SC": 1},
    },
    "ostervik.ttl": {  # planning: level 1 everywhere
        "overall": 1,
        "aspects": {"Strategy": 1, "ICT infrastructure": 1, "Data": 1,
                    "Services and applications": 1, "Assessment": 1, "KPI performance": 1},
        "dimensions": {"EC": 1, "EN": 1, "SC": 1},
    },
    "saltmere.ttl": {  # alignment, partly into development
        "overall": 2,
        "aspects": {"Strategy": 3, "ICT infrastructure": 2, "Data": 2,
                    "Services and applications": 3, "Assessment": 2, "KPI performance": 2},
        "dimensions": {"EC": 3, "EN": 2, "SC": 4},
    },
    "karmoy.ttl": {  # real KPI values, illustrative evidence and targets
        "overall": 4,
        "aspects": {"Strategy": 4, "ICT infrastructure": 4, "Data": 4,
                    "Services and applications": 4, "Assessment": 4, "KPI performance": 4},
        "dimensions": {"EC": 4},
    },
    "rivenport.ttl": {  # complete, 11 KPIs over three years
        "overall": 5,
        "aspects": {"Strategy": 5, "ICT infrastructure": 5, "Data": 5,
                    "Services and applications": 5, "Assessment": 5, "KPI performance": 5},
        "dimensions": {"EC": 5, "EN": 5, "SC": 5},
    },
    "kettlewick.ttl": {  # very uneven: the overall level is the lowest aspect
        "overall": 0,
        "aspects": {"Strategy": 5, "ICT infrastructure": 4, "Data": 1,
                    "Services and applications": 3, "Assessment": 2, "KPI performance": 0},
        "dimensions": {"EC": 5, "EN": 0, "SC": 3},
    },
}

EXAMPLE_FILES = sorted(EXPECTED)


def _example_files_on_disk():
    return sorted(p.name for p in EXAMPLES.iterdir() if p.is_file() and not p.name.startswith("."))


@pytest.fixture(scope="module")
def results():
    """The assessment (as_dict) of every example, computed once in-process."""
    out = {}
    for name in EXAMPLE_FILES:
        result = assess(parse_file(EXAMPLES / name))
        assert result.valid, f"{name}: {[str(e) for e in result.input_errors]}"
        out[name] = result.as_dict()
    return out


def test_every_example_has_expectations():
    on_disk = _example_files_on_disk()
    assert on_disk, "data/examples/ is empty"
    missing = sorted(set(on_disk) - set(EXPECTED))
    stale = sorted(set(EXPECTED) - set(on_disk))
    assert not missing, f"examples without an entry in EXPECTED: {missing}"
    assert not stale, f"entries in EXPECTED without an example file: {stale}"


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_overall_and_aspect_levels(results, name):
    result = results[name]
    aspects = {a["name"]: a["level"]["order"] for a in result["aspects"]}
    assert aspects == EXPECTED[name]["aspects"]
    assert result["overall_level"]["order"] == EXPECTED[name]["overall"]
    # The overall level is the lowest aspect level.
    assert result["overall_level"]["order"] == min(aspects.values())


@pytest.mark.parametrize("name", [n for n in EXAMPLE_FILES if EXPECTED[n].get("dimensions")])
def test_kpi_dimension_levels(results, name):
    dimensions = {d["notation"]: (d["level"] or {}).get("order") for d in results[name]["dimensions"]}
    expected = EXPECTED[name]["dimensions"]
    assert {code: dimensions.get(code) for code in expected} == expected
    # The KPI performance aspect is no higher than any dimension with selected KPIs.
    assert EXPECTED[name]["aspects"]["KPI performance"] <= min(expected.values())


@pytest.mark.parametrize("name", EXAMPLE_FILES)
def test_cli_assess_exits_0(name):
    run = run_cli("assess", str(EXAMPLES / name))
    assert run.returncode == 0, run.stderr
    assert f"overall level {EXPECTED[name]['overall']} " in run.stdout


def test_json_output_is_byte_identical_across_runs():
    path = str(EXAMPLES / "rivenport.ttl")
    first = run_cli("assess", path, "--format", "json")
    second = run_cli("assess", path, "--format", "json")
    assert first.returncode == 0 and second.returncode == 0, first.stderr + second.stderr
    assert first.stdout.encode("utf-8") == second.stdout.encode("utf-8")


def _karmoy_reference_rows():
    with REFERENCE_CSV.open(encoding="utf-8", newline="") as f:
        return [row for row in csv.DictReader(f) if row["city"].startswith("Karmøy")]


def test_karmoy_latest_values_equal_the_reference_data(results):
    rows = _karmoy_reference_rows()
    assert len(rows) == 14  # 13 KPIs; Wireless Broadband Coverage has two rows (3G, 4G)
    kpis = {k["code"]: k for k in results["karmoy.ttl"]["kpis"]}
    seen = set()
    for row in rows:
        code = row["kpi_code"].replace(" ", "")  # "EC: ICT: ICT: 1C" -> "EC:ICT:ICT:1C"
        assert code in kpis, f"{code} ({row['kpi_name']}) is not selected in karmoy.ttl"
        kpi = kpis[code]
        if kpi["data_points"]:  # e.g. "Wireless Broadband Coverage: 3G" -> data point 3G
            point = row["kpi_name"].rsplit(":", 1)[1].strip()
            values = {p["data_point"]: p for p in kpi["data_points"]}
            assert point in values, f"{code}: no value for data point {point}"
            latest, period = values[point]["latest_value"], values[point]["latest_period"]
            seen.add((code, point))
        else:
            latest, period = kpi["latest_value"], kpi["latest_period"]
            seen.add((code, None))
        assert latest is not None, f"{code}: no latest value"
        assert float(latest) == float(row["value"]), f"{code} {row['kpi_name']}: {latest} != {row['value']}"
        assert period == "2019"  # the reference data gives no year; the example assumes 2019
    # Every value in karmoy.ttl comes from the reference data, and every row is used once.
    reported = {(k["code"], None) for k in kpis.values() if not k["data_points"]}
    reported |= {(k["code"], p["data_point"]) for k in kpis.values() for p in k["data_points"]}
    assert reported == seen
    # The Wi-Fi hotspot count is an integer KPI.
    assert isinstance(kpis["EC:ICT:ICT:5C"]["latest_value"], int)
