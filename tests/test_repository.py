"""The README's Quick start and CI stay true to each other."""

import re

from sscmm.paths import ROOT


def _command(marker):
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker} -->\n```sh\n(.+)\n```", text)
    assert match, f"README.md has no command after <!-- {marker} -->"
    return match.group(1)


def test_quick_start_has_a_run_and_a_test_command():
    assert "sscmm" in _command("ci:run-command")
    assert "pytest" in _command("ci:test-command")


def test_ci_runs_the_readme_test_command():
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert "<!-- ci:test-command -->" in ci and 'bash -c "$test_command"' in ci
