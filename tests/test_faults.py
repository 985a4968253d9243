"""Faults, for real: ``kill -9`` of ``sscmm load`` and of ``sscmm serve`` while they
publish, and of the SPARQL server ``sscmm load`` writes to, then a restart: every
assessment that was acknowledged (reported loaded, or answered 201) is there, and none is
there in part. And a SPARQL server as the store that goes away in the middle of
requests: 503 with a message that names it, never a 500, nothing half-published listed,
and the service works again as soon as the store is back, without a restart."""

import os
import signal
import subprocess
import threading
import time
from pathlib import Path

import pyoxigraph as ox
import pytest
import requests

from sscmm.store import CATALOGUE_GRAPH, short_id

from .conftest import need, run_cli
from .service_support import brackenford_variant, free_port, kill_server, running, sscmm_command, start_server
from .store_servers import start_oxigraph, stop_process

ASSESSMENT = "https://data.brackenford.example/ssc/assessment-2024-v{}"
DCTERMS_IDENTIFIER = ox.NamedNode("http://purl.org/dc/terms/identifier")


def _variants(folder, count):
    """``count`` assessments of Brackenford as files, in the order ``sscmm load`` reads them."""
    folder.mkdir(parents=True, exist_ok=True)
    for index in range(count):
        (folder / f"variant-{index:03d}.ttl").write_text(brackenford_variant(f"{index:03d}"), encoding="utf-8")
    return [short_id(ASSESSMENT.format(f"{index:03d}")) for index in range(count)]


def published_parts(data_dir):
    """The ids with a catalogue record, with an assessment graph, and with a result graph,
    read from the store itself (the process that wrote it is gone)."""
    store = ox.Store.read_only(str(Path(data_dir) / "store"))
    records = {q.object.value for q in store.quads_for_pattern(None, DCTERMS_IDENTIFIER, None, CATALOGUE_GRAPH)}
    graphs = [g.value for g in store.named_graphs()]
    parts = (records, {g.rsplit(":", 1)[1] for g in graphs if g.startswith("urn:sscmm:assessment:")},
             {g.rsplit(":", 1)[1] for g in graphs if g.startswith("urn:sscmm:result:")})
    del store
    return parts


def _assert_whole(data_dir):
    """Every published assessment has its record, its graph and its result; no part alone."""
    records, graphs, results = published_parts(data_dir)
    assert records == graphs == results, f"partial publications: {records ^ graphs} {records ^ results}"
    return records


def _children(pid):
    """The processes whose parent is pid (the SPARQL workers and multiprocessing's tracker)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except (OSError, IndexError, ValueError):
                continue
    return found


def _gone(pids, seconds=20):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        alive = [pid for pid in pids if Path(f"/proc/{pid}").exists()
                 and Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"]
        if not alive:
            return True
        time.sleep(0.1)
    for pid in alive:  # clean up what the test started, then fail
        os.kill(pid, signal.SIGKILL)
    return False


def test_kill_9_during_sscmm_load(tmp_path):
    data_dir, folder = tmp_path / "data", tmp_path / "in"
    ids = _variants(folder, 30)
    process = subprocess.Popen(sscmm_command("load", str(folder), "--data-dir", str(data_dir)),
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    progress, acknowledged = b"", 0
    try:
        while acknowledged < 5:  # the progress bar reports each file once it is published
            chunk = os.read(process.stderr.fileno(), 4096)
            assert chunk, f"sscmm load ended early: {progress.decode(errors='replace')}"
            progress += chunk
            reports = [int(part.split()[0]) for part in progress.split(b"loaded ")[1:] if part.split()]
            acknowledged = max(reports, default=0)
        children = _children(process.pid)
        process.send_signal(signal.SIGKILL)
        process.wait()
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
        process.stderr.close()
    assert _gone(children), "sscmm load left processes behind"
    present = _assert_whole(data_dir)
    assert set(ids[:acknowledged]) <= present, "an acknowledged assessment is missing"
    assert present <= set(ids) and len(present) < len(ids), "the load was not interrupted"
    again = run_cli("load", str(folder), "--data-dir", str(data_dir), "--quiet")  # the restart
    assert again.returncode == 0, again.stdout + again.stderr
    assert f"loaded {len(ids) - len(present)}, already present {len(present)}, failed 0" in again.stdout
    assert _assert_whole(data_dir) == set(ids)


def test_kill_9_of_the_server_during_publishing(tmp_path):
    data_dir = tmp_path / "data"
    token = run_cli("token", "create", "--city", "https://data.brackenford.example/ssc/city",
                    "--data-dir", str(data_dir)).stdout.strip()
    server = start_server(data_dir)
    acknowledged, refused, lock, counter = set(), [], threading.Lock(), iter(range(10**6))

    def publisher():
        session = requests.Session()
        while True:
            with lock:
                index = next(counter)
            body = brackenford_variant(f"{index:03d}").encode("utf-8")
            try:
                response = session.post(server.url + "/assessments", data=body, timeout=60,
                                        headers={"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"})
            except requests.ConnectionError:
                return  # the server is gone: this one was not acknowledged
            with lock:
                if response.status_code == 201:
                    acknowledged.add(response.json()["id"])
                else:
                    refused.append((response.status_code, response.text[:300]))

    threads = [threading.Thread(target=publisher) for _ in range(4)]
    try:
        for thread in threads:
            thread.start()
        deadline = time.monotonic() + 120
        while len(acknowledged) < 6 and time.monotonic() < deadline and not refused:
            time.sleep(0.05)
        children = _children(server.process.pid)
        kill_server(server)
    finally:
        if server.process.poll() is None:
            kill_server(server)
        for thread in threads:
            thread.join(timeout=90)
    assert not refused, refused
    assert len(acknowledged) >= 6
    assert _gone(children), "the server's SPARQL workers outlived it"
    present = _assert_whole(data_dir)
    assert acknowledged <= present, f"acknowledged but lost: {acknowledged - present}"
    with running(data_dir) as restarted:  # the restart: everything acknowledged is served
        for assessment_id in acknowledged:
            assert requests.get(f"{restarted.url}/assessments/{assessment_id}", timeout=30).status_code == 200
        city = requests.get(restarted.url + "/cities", timeout=30).json()["cities"][0]
        assert {a["id"] for a in city["assessments"]} == present


def _remote_parts(sparql):
    """What published_parts gives, read from a SPARQL server with its own protocol."""
    query = ("SELECT ?g ?id WHERE { { GRAPH ?g { ?s ?p ?o } } UNION "
             "{ GRAPH <urn:sscmm:catalogue> { ?r <http://purl.org/dc/terms/identifier> ?id } } }")
    rows = requests.post(sparql.query_url, data={"query": query}, timeout=60,
                         headers={"Accept": "application/sparql-results+json"}).json()["results"]["bindings"]
    graphs = {row["g"]["value"] for row in rows if "g" in row}
    return ({row["id"]["value"] for row in rows if "id" in row},
            {g.rsplit(":", 1)[1] for g in graphs if g.startswith("urn:sscmm:assessment:")},
            {g.rsplit(":", 1)[1] for g in graphs if g.startswith("urn:sscmm:result:")})


def test_kill_9_of_the_store_during_sscmm_load(tmp_path, oxigraph_dir):
    """``sscmm load`` into an Oxigraph server that is killed half way: what was reported
    loaded is there and whole after the server's restart, the rest is reported FAILED
    (not listed, whatever was half written), and a re-run loads it."""
    port, folder = free_port(), tmp_path / "in"
    ids = _variants(folder, 30)
    store, sparql = start_oxigraph(oxigraph_dir, port)
    try:
        load = subprocess.Popen(sscmm_command("load", str(folder), "--data-dir", str(tmp_path / "data"),
                                              "--batch", "1", *sparql.cli_args()),  # one write per file
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=False)
        progress = b""
        while b"loaded 5 " not in progress:
            chunk = os.read(load.stderr.fileno(), 4096)
            assert chunk, progress.decode(errors="replace")
            progress += chunk
        store.send_signal(signal.SIGKILL)
        store.wait()
        out, _ = load.communicate(timeout=300)
        report = out.decode()
        assert load.returncode == 1, report
        failed = {line.split()[1].rstrip(":") for line in report.splitlines() if line.startswith("FAILED ")}
        assert failed and all("unavailable" in line for line in report.splitlines() if line.startswith("FAILED "))
        acknowledged = {i for i, path in zip(ids, sorted(folder.glob("*.ttl"))) if str(path) not in failed}
        assert f"loaded {len(acknowledged)}, already present 0, failed {len(failed)}" in report
        store, sparql = start_oxigraph(oxigraph_dir, port)  # the restart
        records, graphs, results = _remote_parts(sparql)
        assert acknowledged <= records, "an assessment reported loaded is missing"
        assert len(records - acknowledged) <= 1  # the one under way, if only its answer was lost
        assert records <= graphs and records <= results, "a listed assessment is missing a graph"
        again = run_cli("load", str(folder), "--data-dir", str(tmp_path / "data"), "--quiet", *sparql.cli_args())
        present = len(records)
        assert f"loaded {len(ids) - present}, already present {present}, failed 0" in again.stdout, again.stdout
        records, graphs, results = _remote_parts(sparql)
        assert records == graphs & set(ids) == results & set(ids) == set(ids)
    finally:
        stop_process(store)


@pytest.fixture
def oxigraph_dir(tmp_path):
    need("oxigraph", "pip install oxigraph, the test extra")
    return tmp_path / "oxigraph"


def test_the_store_going_away_mid_request_is_503_and_the_service_recovers(tmp_path, oxigraph_dir):
    port = free_port()
    store, sparql = start_oxigraph(oxigraph_dir, port)
    args = ["--store", "sparql", "--query-url", sparql.query_url, "--update-url", sparql.update_url,
            "--gsp-url", sparql.gsp_url]
    token = run_cli("token", "create", "--city", "https://data.brackenford.example/ssc/city",
                    "--data-dir", str(tmp_path / "data")).stdout.strip()
    headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
    try:
        with running(tmp_path / "data", *args, "--demo", env={"SSCMM_SPARQL_TIMEOUT": "60",
                                                               "SSCMM_STORE_TIMEOUT": "10"}) as server:
            cities = requests.get(server.url + "/cities", timeout=30).json()
            # A query the store works on for minutes; the store is killed while it does.
            answer = {}
            slow = threading.Thread(target=lambda: answer.setdefault("response", requests.get(
                server.url + "/sparql", timeout=120,
                params={"query": "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"})))
            slow.start()
            time.sleep(1.5)
            started = time.monotonic()
            store.send_signal(signal.SIGKILL)
            store.wait()
            slow.join(timeout=60)
            response = answer["response"]
            assert time.monotonic() - started < 10, "the service waited for a store that was gone"
            problem = response.json()
            assert response.status_code == 503 and problem["type"].endswith("/store-unavailable"), response.text
            assert sparql.query_url in problem["detail"] and response.headers["Retry-After"]
            # While it is gone: every request that needs it is a 503 naming it, never a 500.
            for method, path, body in (("GET", "/cities", None), ("GET", "/health", None),
                                       ("GET", "/analysis/level-distribution", None),
                                       ("POST", "/assessments", brackenford_variant("down").encode()),
                                       ("GET", "/sparql?query=ASK%7B%7D", None)):
                down = requests.request(method, server.url + path, data=body, headers=headers, timeout=60)
                assert down.status_code == 503, (path, down.status_code, down.text[:300])
                assert "store" in down.json()["detail"], down.text
            assert requests.post(server.url + "/assess", data=brackenford_variant("x").encode(), headers=headers,
                                 timeout=60).status_code == 200  # what needs no store still works
            # Publications racing with the store's death: 201 or 503, and never listed in part.
            outcomes = []
            racers = [threading.Thread(target=lambda i=i: outcomes.append(requests.post(
                server.url + "/assessments", data=brackenford_variant(f"race-{i}").encode(), headers=headers,
                timeout=60).status_code)) for i in range(6)]
            store, _ = start_oxigraph(oxigraph_dir, port)  # the store comes back ...
            for racer in racers:
                racer.start()
            deadline = time.monotonic() + 60
            while 201 not in outcomes and time.monotonic() < deadline:
                time.sleep(0.01)
            store.send_signal(signal.SIGKILL)  # ... and goes away again, the other publications under way
            store.wait()
            for racer in racers:
                racer.join(timeout=90)
            assert set(outcomes) == {201, 503}, outcomes
            store, _ = start_oxigraph(oxigraph_dir, port)  # back for good: no restart of the service
            deadline = time.monotonic() + 30
            while requests.get(server.url + "/health", timeout=30).status_code != 200:
                assert time.monotonic() < deadline, "the service did not recover"
                time.sleep(0.2)
            listed = requests.get(server.url + "/cities", timeout=30).json()
            brackenford = next(c for c in listed["cities"] if c["iri"].startswith("https://data.brackenford"))
            for record in brackenford["assessments"]:  # everything listed is whole
                assert requests.get(server.url + record["link"], timeout=30).json()["overall_level"] is not None
                assert requests.get(server.url + record["link"], headers={"Accept": "text/turtle"},
                                    timeout=30).text.count("sscmm:Assessment") >= 1
            # Each 201 is listed; a 503 may be listed too (whole) if only its answer was lost.
            assert 1 + outcomes.count(201) <= len(brackenford["assessments"]) <= 1 + len(outcomes)
            assert len(listed["cities"]) == len(cities["cities"])
            again = requests.post(server.url + "/assessments", data=brackenford_variant("race-0").encode(),
                                  headers=headers, timeout=60)
            assert again.status_code in (201, 409)  # leftovers of a failed one are replaced, a listed one kept
            assert requests.post(server.url + "/assessments", data=brackenford_variant("after").encode(),
                                 headers=headers, timeout=60).status_code == 201
    finally:
        stop_process(store)
