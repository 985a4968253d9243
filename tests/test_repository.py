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


def test_security_md_names_tests_that_exist():
    """Each promise in SECURITY.md names the tests that hold the service to it: they must exist."""
    text = (ROOT / "SECURITY.md").read_text(encoding="utf-8")
    files, current = 0, None
    for name, test in re.findall(r"`(test_\w+\.py)?(?:::(\w+))?`", text):
        if name:
            current = ROOT / "tests" / name
            assert current.exists(), f"SECURITY.md names {name}, which does not exist"
            files += 1
        if test:
            assert current is not None, test
            assert re.search(rf"^def {test}\(", current.read_text(encoding="utf-8"), re.MULTILINE), \
                f"SECURITY.md names {current.name}::{test}, which does not exist"
    assert files >= 15
