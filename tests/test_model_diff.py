"""`sscmm model diff OLD NEW`: the release notes of a model change. Each test edits one
copy of the mini model and expects exactly that edit to be listed."""

import json

from .conftest import FIXTURES, run_cli

MINI = (FIXTURES / "mini-model.ttl").read_text(encoding="utf-8")


def _release(tmp_path, name, text):
    folder = tmp_path / name
    folder.mkdir()
    (folder / "model.ttl").write_text(text, encoding="utf-8")
    return str(folder)


def _diff(tmp_path, new_text, *options):
    return run_cli("model", "diff", _release(tmp_path, "old", MINI), _release(tmp_path, "new", new_text), *options)


def test_identical_releases_differ_in_nothing(tmp_path):
    done = _diff(tmp_path, MINI)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "No levels, aspects, achievements, statements or KPIs changed.\n"


def test_a_renamed_level_a_removed_achievement_and_a_new_version(tmp_path):
    new = (MINI.replace('skos:prefLabel "Two"@en', 'skos:prefLabel "Second"@en')
               .replace('owl:versionInfo "1"', 'owl:versionInfo "2"'))
    start = new.index("ex:ach-2-a a sscmm:Achievement")
    new = new[:start] + new[new.index("ex:ach-2-kpi a sscmm:Achievement"):]
    done = _diff(tmp_path, new)
    assert done.returncode == 1, done.stderr
    lines = done.stdout.splitlines()
    assert "Model mini: 1 -> 2" in lines
    assert "Levels: 0 added, 0 removed, 1 changed" in lines
    assert "  ~ ex:level-2 (Second)" in lines
    assert '      skos:prefLabel: "Two"@en -> "Second"@en' in lines
    assert "Achievements: 0 added, 1 removed, 0 changed" in lines
    assert "  - ex:ach-2-a" in lines
    assert not any(line.startswith("KPIs") for line in lines)


def test_an_added_kpi_in_json(tmp_path):
    kpi = MINI.split("ex:EC-ICT-ICT-4C a sscmm:KPI")[1].split("\n\n")[0]
    new = MINI + "\nex:EC-ICT-ICT-5C a sscmm:KPI" + kpi.replace("4C", "5C").replace("Wireless Broadband Coverage", "Fibre") + "\n"
    done = _diff(tmp_path, new, "--format", "json")
    assert done.returncode == 1, done.stderr
    kinds = json.loads(done.stdout)["kinds"]
    assert kinds["KPIs"]["added"] == ["ex:EC-ICT-ICT-5C"]
    assert kinds["KPIs"]["removed"] == [] and kinds["KPIs"]["changed"] == {}
    assert kinds["Levels"] == {"added": [], "removed": [], "changed": {}}


def test_a_missing_release_is_a_usage_error(tmp_path):
    done = run_cli("model", "diff", str(tmp_path / "nowhere"), _release(tmp_path, "new", MINI))
    assert done.returncode == 2
    assert "no such file or folder" in done.stderr
