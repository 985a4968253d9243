"""A bounded load test of the running service on loopback: concurrent clients mixing
POST /assess, GET /sparql and publishing (POST /assessments with a city's token), then a
check that no write was lost.

Starts ``sscmm serve --demo`` on a free port over a temporary data directory with a token
for one example city, Brackenford (or targets ``--url`` with a ``--token`` for it). Each of
``--clients`` threads (default 16), with its own connection, repeats for ``--seconds``
(default 60): by weight, assess an example city, run one of a few SPARQL queries, or
publish a new assessment of the token's city. Every answer must be the expected one
(200, 200, 201); afterwards every acknowledged publication must be readable and listed.
Prints throughput and p50/p95/max latency per kind and overall, the errors and the lost
writes; exits 1 if there are any. The load is bounded in time and count, and goes to
127.0.0.1 only.

    .venv/bin/python bench/load.py [--clients 16] [--seconds 60] [--url URL --token TOKEN]
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from assess import ms, percentile  # noqa: E402
from serve import start_server  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
CITY = "https://data.brackenford.example/ssc/city"
TEMPLATE = ROOT / "data" / "examples" / "brackenford.ttl"
MAX_REQUESTS = 100_000  # a bound on the whole run, whatever the clients and seconds
QUERIES = (
    "PREFIX sscmm: <https://w3id.org/sscmm/ontology#> SELECT ?a ?l WHERE { ?a sscmm:attainedLevel ?l } LIMIT 50",
    "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g",
    ("PREFIX dcterms: <http://purl.org/dc/terms/> SELECT ?r ?id WHERE { GRAPH <urn:sscmm:catalogue> "
     "{ ?r dcterms:identifier ?id } } ORDER BY ?id"),
    "ASK { ?s a <https://w3id.org/sscmm/ontology#City> }",
)
WEIGHTS = {"assess": 4, "sparql": 4, "publish": 2}


@dataclass
class Result:
    samples: list = field(default_factory=list)  # (kind, seconds, ok)
    errors: list = field(default_factory=list)  # (kind, what)
    published: list = field(default_factory=list)  # ids answered 201
    elapsed: float = 0.0
    lost: list = field(default_factory=list)


def examples():
    return [p.read_bytes() for p in sorted((ROOT / "data" / "examples").glob("*.ttl"))]


def variant(template, tag):
    """The template city's assessment under a new IRI: a new publication for its token."""
    return template.replace(b":assessment-2024 ", f":assessment-load-{tag} ".encode(), 1)


def run(url, token, clients=16, seconds=60.0, seed=0):
    """Drive the service from ``clients`` threads for ``seconds``; a Result, lost writes
    checked afterwards."""
    cities, template = examples(), TEMPLATE.read_bytes()
    assert template.count(b":assessment-2024 ") == 1
    result, lock = Result(), threading.Lock()
    counter = iter(range(MAX_REQUESTS))
    stop_at = time.monotonic() + seconds
    run_tag = f"{int(time.time())}-{random.Random(seed).randrange(10**6)}"

    def client(number):
        rng, session = random.Random(f"{seed}:{number}"), requests.Session()
        publish_headers = {"Authorization": f"Bearer {token}", "Content-Type": "text/turtle"}
        while time.monotonic() < stop_at:
            with lock:
                index = next(counter, None)
            if index is None:
                return
            kind = rng.choices(list(WEIGHTS), weights=list(WEIGHTS.values()))[0]
            started = time.perf_counter()
            try:
                if kind == "assess":
                    response = session.post(url + "/assess", data=rng.choice(cities), timeout=120,
                                            headers={"Content-Type": "text/turtle"})
                    ok = response.status_code == 200 and response.json()["overall_level"] is not None
                elif kind == "sparql":
                    response = session.get(url + "/sparql", params={"query": rng.choice(QUERIES)}, timeout=120,
                                           headers={"Accept": "application/sparql-results+json"})
                    ok = response.status_code == 200
                else:
                    response = session.post(url + "/assessments", data=variant(template, f"{run_tag}-{index}"),
                                            headers=publish_headers, timeout=120)
                    ok = response.status_code == 201
                    if ok:
                        with lock:
                            result.published.append(response.json()["id"])
                what = f"{response.status_code} {response.text[:200]}"
            except (requests.RequestException, ValueError) as err:
                ok, what = False, f"{type(err).__name__}: {err}"
            with lock:
                result.samples.append((kind, time.perf_counter() - started, ok))
                if not ok:
                    result.errors.append((kind, what))

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    result.elapsed = time.perf_counter() - started
    result.lost = lost_writes(url, result.published)
    return result


def lost_writes(url, published):
    """The acknowledged publications that cannot be read back or are not listed."""
    listed = set()
    for city in requests.get(url + "/cities", timeout=120).json()["cities"]:
        listed.update(a["id"] for a in city["assessments"])
    return [i for i in published
            if i not in listed or requests.get(f"{url}/assessments/{i}", timeout=120).status_code != 200]


def report(result, clients, out=sys.stdout):
    """Print the figures; the number of problems (errors and lost writes)."""
    total = len(result.samples)
    print(f"{total} requests from {clients} clients in {result.elapsed:.1f} s: {total / result.elapsed:.1f} requests/s; "
          f"{len(result.errors)} error(s); {len(result.published)} publications, {len(result.lost)} lost", file=out)
    groups = defaultdict(list)
    for kind, seconds, _ok in result.samples:
        groups["all"].append(seconds)
        groups[kind].append(seconds)
    print(f"  {'latency (ms)':<12} {'n':>6} {'req/s':>7} {'p50':>9} {'p95':>9} {'max':>9}", file=out)
    for kind in ("all", *WEIGHTS):
        values = groups.get(kind)
        if values:
            print(f"  {kind:<12} {len(values):>6} {len(values) / result.elapsed:>7.1f} {ms(percentile(values, 50)):>9} "
                  f"{ms(percentile(values, 95)):>9} {ms(max(values)):>9}", file=out)
    for kind, what in result.errors[:10]:
        print(f"  ERROR {kind}: {what}", file=out)
    for assessment_id in result.lost[:10]:
        print(f"  LOST /assessments/{assessment_id}", file=out)
    return len(result.errors) + len(result.lost)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=16, help="concurrent clients (8 to 32 is the intended range)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--url", help="a running service (default: start one over a temporary data directory)")
    parser.add_argument("--token", help=f"with --url: a token that publishes for {CITY} (its example is the template)")
    args = parser.parse_args(argv)
    if args.url and not args.token:
        parser.error("--url needs --token")
    with tempfile.TemporaryDirectory(prefix="sscmm-load-") as data_dir:
        process = None
        if args.url:
            url, token = args.url, args.token
        else:
            from sscmm.tokens import TokenStore

            token = TokenStore(data_dir).create(CITY)[0]
            url, process = start_server(data_dir, "--demo")
        try:
            result = run(url, token, args.clients, args.seconds)
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=60)
    return 1 if report(result, args.clients) else 0


if __name__ == "__main__":
    sys.exit(main())
