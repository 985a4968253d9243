"""`sscmm model check` on the shipped model and on broken copies of it, as a user runs it."""

import re

import pytest

from .conftest import run_cli


def test_shipped_model_passes_every_check_including_owl():
    result = run_cli("model", "check")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "OK:" in result.stdout and "OWL consistent" in result.stdout


def _edit(path, old, new, count=1):
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, count), encoding="utf-8")


def _block(text, subject):
    """The Turtle block that starts with ``subject`` (up to the blank line after it)."""
    match = re.search(rf"^{re.escape(subject)} .*?(?:\n\n|\Z)", text, flags=re.S | re.M)
    assert match, subject
    return match.group(0)


def test_missing_unit_is_named(ontology_copy):
    path = ontology_copy / "u4ssc-kpis.ttl"
    block = _block(path.read_text(encoding="utf-8"), "u4ssc:EC-ICT-ICT-1C")
    _edit(path, block, block.replace("    qudt:hasUnit unit:PERCENT ;\n", ""))
    result = run_cli("model", "check", "--no-owl", str(ontology_copy))
    assert result.returncode == 1
    assert re.search(r"^FAIL u4ssc:EC-ICT-ICT-1C: A KPI has a unit", result.stdout, re.M), result.stdout


def test_duplicate_code_is_named(ontology_copy):
    path = ontology_copy / "u4ssc-kpis.ttl"
    block = _block(path.read_text(encoding="utf-8"), "u4ssc:EC-ICT-ICT-2C")
    _edit(path, block, block.replace('sscmm:code "EC: ICT: ICT: 2C"', 'sscmm:code "EC: ICT: ICT: 1C"')
          .replace('skos:notation "EC:ICT:ICT:2C"', 'skos:notation "EC:ICT:ICT:1C"'))
    result = run_cli("model", "check", "--no-owl", str(ontology_copy))
    assert result.returncode == 1
    assert "FAIL u4ssc:EC-ICT-ICT-2C: duplicate code: EC:ICT:ICT:1C" in result.stdout, result.stdout
    assert "FAIL u4ssc:EC-ICT-ICT-1C: duplicate code: EC:ICT:ICT:1C" in result.stdout


def test_two_achievements_for_one_cell_are_named(ontology_copy):
    path = ontology_copy / "y4904.ttl"
    text = path.read_text(encoding="utf-8")
    extra = _block(text, "y4904:achievement-3-data").replace("y4904:achievement-3-data a", "y4904:achievement-3-data-bis a")
    path.write_text(text + "\n" + extra, encoding="utf-8")
    result = run_cli("model", "check", "--no-owl", str(ontology_copy))
    assert result.returncode == 1
    assert re.search(r"^FAIL y4904:level-3: level and aspect <.*aspect-data> have 2 achievements", result.stdout, re.M), result.stdout


def test_undefined_reference_is_named(ontology_copy):
    _edit(ontology_copy / "y4904.ttl", "sscmm:aspect y4904:aspect-data ;", "sscmm:aspect y4904:aspect-dta ;")
    result = run_cli("model", "check", "--no-owl", str(ontology_copy))
    assert result.returncode == 1
    assert "FAIL y4904:aspect-dta: is referenced but not defined" in result.stdout, result.stdout


def test_syntax_error_names_file_and_line(ontology_copy):
    path = ontology_copy / "y4904.ttl"
    lines = path.read_text(encoding="utf-8").splitlines()
    number = next(i for i, line in enumerate(lines, 1) if line.startswith("y4904:level-3 a"))
    lines[number - 1] = lines[number - 1].replace(" a ", " a a ")
    path.write_text("\n".join(lines), encoding="utf-8")
    result = run_cli("model", "check", "--no-owl", str(ontology_copy))
    assert result.returncode == 1
    assert "y4904.ttl" in result.stdout and f"line {number}" in result.stdout, result.stdout


def test_owl_inconsistency_is_named(ontology_copy):
    """A level that is also a KPI: only the reasoner sees that the classes are disjoint."""
    path = ontology_copy / "y4904.ttl"
    path.write_text(path.read_text(encoding="utf-8")
                    + "\ny4904:level-4 a <https://w3id.org/sscmm/ontology#KPICategory> .\n", encoding="utf-8")
    result = run_cli("model", "check", str(ontology_copy))
    assert result.returncode == 1
    assert re.search(r"^FAIL y4904:level-4: OWL inconsistency", result.stdout, re.M), result.stdout


def test_missing_path_is_a_clear_failure(tmp_path):
    result = run_cli("model", "check", "--no-owl", str(tmp_path / "nowhere"))
    assert result.returncode == 1
    assert "no such file or folder" in result.stdout


@pytest.mark.parametrize("args", [["model"], ["model", "check", "--bogus"], ["frobnicate"]])
def test_usage_errors_exit_2(args):
    assert run_cli(*args).returncode == 2
