"""The generated Turtle is what the CSV sources give, and bad sources are refused by name."""

import csv
import filecmp
import shutil

import pytest

from sscmm import catalogue, codes
from sscmm.paths import ONTOLOGY_DIR, ONTOLOGY_SOURCES_DIR

from .conftest import SHARED, run_cli


def test_committed_turtle_equals_a_fresh_generation():
    assert catalogue.stale_outputs() == []


def test_generate_check_cli_reports_a_stale_file(tmp_path):
    ontology = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY_DIR, ontology)
    (ontology / "units.ttl").write_text("# edited by hand\n", encoding="utf-8")
    assert catalogue.stale_outputs(ontology / "src", ontology) == ["units.ttl"]
    assert run_cli("model", "generate", "--check").returncode == 0


def test_catalogue_copy_matches_the_shared_reference():
    reference = SHARED / "reference" / "u4ssc_kpis.csv"
    if not reference.exists():
        pytest.skip("../shared is not beside the clone")
    assert filecmp.cmp(reference, ONTOLOGY_SOURCES_DIR / catalogue.CATALOGUE_CSV, shallow=False)


def _sources_with(tmp_path, kpi_code, **changes):
    src = tmp_path / "src"
    shutil.copytree(ONTOLOGY_SOURCES_DIR, src)
    path = src / catalogue.CURATION_CSV
    with open(path, newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    for row in rows:
        if row["code"] == kpi_code:
            row.update(changes)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return src


@pytest.mark.parametrize("changes,needle", [
    ({"direction": "sideways"}, "unknown value 'sideways'"),
    ({"unit": "furlongs"}, "unit 'furlongs'"),
    ({"data_points": "3G"}, "data point '3G'"),
    ({"doubtful_sdgs": "1.1"}, "doubtful SDG targets ['1.1']"),
])
def test_bad_curation_row_is_refused_naming_the_kpi(tmp_path, changes, needle):
    src = _sources_with(tmp_path, "EC: ICT: ICT: 4C", **changes)
    with pytest.raises(catalogue.SourceError) as err:
        catalogue.generate(src, ONTOLOGY_DIR)
    assert "EC: ICT: ICT: 4C" in str(err.value) and needle in str(err.value)


def test_missing_curation_row_is_refused(tmp_path):
    src = _sources_with(tmp_path, "EC: ICT: ICT: 4C", code="EC: ICT: ICT: 99C")
    with pytest.raises(catalogue.SourceError, match=r"missing \['EC: ICT: ICT: 4C'\]"):
        catalogue.generate(src, ONTOLOGY_DIR)


@pytest.mark.parametrize("text,notation", [
    ("EC: ICT: ICT: 1C", "EC:ICT:ICT:1C"),
    ("EC:ICT:ICT:1C", "EC:ICT:ICT:1C"),
    (" sc : eh : ed : 5a ", "SC:EH:ED:5A"),
    ("EN: EN: PSN: 4 A", "EN:EN:PSN:4A"),
])
def test_codes_are_normalised_whatever_the_spacing(text, notation):
    assert codes.normalise_code(text) == notation
    assert codes.code_local_name(text) == notation.replace(":", "-")


@pytest.mark.parametrize("text", ["", "EC ICT ICT 1C", "EC: ICT: 1C", "EC: ICT: ICT: 1B"])
def test_non_codes_are_refused(text):
    with pytest.raises(codes.CodeError):
        codes.parse_code(text)
