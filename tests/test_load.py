"""``sscmm load`` and ``sscmm analysis`` run as a user would: many files into the embedded
store and into a real ``oxigraph serve``; a re-run changes nothing; bad files are reported
and skipped, the rest loaded; the analyses read what was loaded."""

import json
import shutil

import pytest
from sscmm.embedded import EmbeddedStore

from .conftest import need, run_cli
from .service_support import EXAMPLES, example
from .store_servers import oxigraph_server
from .test_examples import EXPECTED
from .test_service_sparql import EXPECTED_LEVELS


@pytest.fixture
def folder(tmp_path):
    """The examples, a file that does not parse, one that is not a valid assessment, one
    that is not RDF by its name (ignored in a folder)."""
    folder = tmp_path / "in"
    shutil.copytree(EXAMPLES, folder)
    (folder / "broken.ttl").write_text("@prefix : <https://x.example/> .\n:a :b :c :d .\n")
    invalid = example("exampleton.ttl").replace('"2024-06-30"^^xsd:date', '"someday"').replace(
        ":assessment-2024 ", ":assessment-2024-invalid ")
    (folder / "invalid.ttl").write_text(invalid)
    (folder / "notes.txt").write_text("not RDF")
    return folder


REFERENCE_GRAPHS = (b"<urn:sscmm:model> .", b"<urn:sscmm:shapes> .", b"<urn:sscmm:benchmarks> .")


def _published(dump):
    """The published graphs of a dump: the model, shapes and benchmark graphs are replaced
    at every start (with fresh blank nodes), by design."""
    return [line for line in dump.splitlines() if not line.endswith(REFERENCE_GRAPHS)]


def _check_first_and_second_run(store_args, folder, dump):
    first = run_cli("load", str(folder), *store_args)
    assert first.returncode == 1, first.stderr
    assert f"loaded {len(EXPECTED)}, already present 0, failed 2" in first.stdout
    assert "FAILED" in first.stdout and "broken.ttl: line 2" in first.stdout
    assert "invalid.ttl" in first.stdout and "someday" in first.stdout
    assert f"{len(EXPECTED) + 2}/{len(EXPECTED) + 2}" in first.stderr  # the progress bar
    before = _published(dump())
    second = run_cli("load", str(folder), *store_args)
    assert f"loaded 0, already present {len(EXPECTED)}, failed 2" in second.stdout
    assert _published(dump()) == before
    good = run_cli("load", *(str(folder / name) for name in EXPECTED), "--quiet", *store_args)
    assert good.returncode == 0 and good.stderr == ""
    listed = run_cli("analysis", "level-distribution", "--format", "json", *store_args)
    assert listed.returncode == 0, listed.stderr
    overall = {r["levelOrder"]: r["cities"] for r in json.loads(listed.stdout)["rows"] if r["aspectName"] == "overall"}
    assert overall == {order: list(EXPECTED_LEVELS.values()).count(order) for order in overall}
    assert sum(overall.values()) == len(EXPECTED)


def test_load_into_the_embedded_store(folder, tmp_path):
    data_dir = tmp_path / "data"

    def dump():
        store = EmbeddedStore(data_dir, workers=0)
        try:
            return store.dump()
        finally:
            store.close()

    _check_first_and_second_run(["--data-dir", str(data_dir)], folder, dump)


def test_load_into_an_oxigraph_server(folder, tmp_path):
    need("oxigraph", "pip install oxigraph, the test extra")
    from sscmm.remote import RemoteStore

    with oxigraph_server(tmp_path / "server") as server:
        store = RemoteStore(server.query_url, server.update_url, server.gsp_url)
        _check_first_and_second_run(["--data-dir", str(tmp_path / "data"), *server.cli_args()], folder, store.dump)


def test_analysis_cli_errors(tmp_path):
    data = ["--data-dir", str(tmp_path)]
    assert "kpi-across-cities" in run_cli("analysis", *data).stdout
    unknown = run_cli("analysis", "no-such", *data)
    assert unknown.returncode == 2 and "no analysis is named" in unknown.stderr
    missing = run_cli("analysis", "city-progress", *data)
    assert missing.returncode == 2 and "'city' is required" in missing.stderr
    bad = run_cli("analysis", "kpi-across-cities", "--param", "kpi=EC:ICT:ICT:1C", "--param", "year=20x3", *data)
    assert bad.returncode == 2 and "'year' (integer)" in bad.stderr


def test_load_batch_option(tmp_path):
    from sscmm.load import BATCH

    assert f"(default: {BATCH})" in run_cli("load", "--help").stdout
    refused = run_cli("load", str(tmp_path), "--batch", "0", "--data-dir", str(tmp_path))
    assert refused.returncode == 2 and "must be at least 1" in refused.stderr


def test_write_many_writes_what_publishing_one_by_one_writes(tmp_path):
    """The embedded store's bulk path: the same quads as one ``write`` per publication; ids
    already listed, or repeated in the batch, are skipped."""
    from sscmm.engine import engine_for
    from sscmm.rdfio import parse_file
    from sscmm.store import oxigraph_triples, publication

    engine = engine_for(None)
    prepared = []
    for name in sorted(EXPECTED):
        graph = parse_file(EXAMPLES / name)
        prepared.append(publication(oxigraph_triples(graph), engine.assess(graph), published="2025-01-01T00:00:00Z"))
    one_by_one, bulk = EmbeddedStore(tmp_path / "one", workers=0), EmbeddedStore(tmp_path / "bulk", workers=0)
    try:
        for item in prepared:
            one_by_one.write(item)
        bulk.write(prepared[0])
        written = bulk.write_many([*prepared, prepared[1]])
        assert [record.id for record in written] == [item.record.id for item in prepared[1:]]
        assert bulk.dump() == one_by_one.dump()
        assert bulk.write_many(prepared) == [] and bulk.dump() == one_by_one.dump()
        assert {record.id for record in bulk.records()} == {item.record.id for item in prepared}
    finally:
        one_by_one.close()
        bulk.close()
