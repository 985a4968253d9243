"""Cross-city analysis benchmark: load time and each analysis query's time on the embedded
store, on ``oxigraph serve`` and on Virtuoso, with rdflib in memory as the baseline, in one run.

    python bench/analysis.py [--cities 100,1000] [--stores embedded,oxigraph,virtuoso]
                             [--rdflib-max 100] [--repeat 3] [--cache /tmp/sscmm-bench-analysis]

1. Generates N synthetic cities (bench/synthetic.py: 91 KPIs x 5 years, a full matrix and
   evidence, levels drawn per city), assesses each with the engine and caches the
   publication (the graphs and the catalogue record a publish writes) under ``--cache``,
   so a second run skips the ~0.4 s per city of assessment.
2. For each store: starts it (the servers on loopback, in a temporary directory), loads the
   model graphs and every publication (timed: the load), then runs each analysis of
   analysis/*.rq ``--repeat`` times through ``Store.query`` (what GET /analysis/{name}
   does: for the embedded store a worker process on a snapshot) and keeps the median.
3. rdflib: the same publications in one in-memory ``Dataset`` (load timed), the same
   queries with rdflib's SPARQL engine, each in a forked process stopped after
   ``--rdflib-timeout`` s; only up to ``--rdflib-max`` cities (memory: ~17 k quads a city).
4. Prints, per city count, a table of query x store times and the ratio rdflib / embedded,
   and the targets: every analysis over 1,000 cities <= 1 s on the embedded store and
   >= 30x faster than rdflib (reported as met or NOT MET; the exit code stays 0).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from dataclasses import asdict
from pathlib import Path

import pyoxigraph as ox

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from sscmm.analysis import JSON_RESULTS, load_analyses
from sscmm.engine import engine_for
from sscmm.store import BENCHMARKS_GRAPH, CATALOGUE_GRAPH, MODEL_GRAPH, SHAPES_GRAPH, Publication, Record, oxigraph_triples, publication
from synthetic import synthetic_city

TARGET_SECONDS, TARGET_SPEEDUP = 1.0, 30.0
PUBLISHED = "2025-01-01T00:00:00Z"


def params_for(_cities):
    first = "https://data.city-0000.example/ssc/city"  # bench/synthetic.py names city i data.city-{i:04d}.example
    return {"kpi-across-cities": {"kpi": "EC:ICT:ICT:1C"}, "city-progress": {"city": first},
            "peer-cities": {"city": first}}


# -- publications, cached ------------------------------------------------------------------------


def publications(count, cache, seed):
    """The publications of ``count`` synthetic cities, generated and assessed once."""
    cache.mkdir(parents=True, exist_ok=True)
    engine, found = None, []
    started = time.perf_counter()
    for index in range(count):
        quads, meta = cache / f"city-{seed}-{index:04d}.nq", cache / f"city-{seed}-{index:04d}.json"
        if not meta.exists():
            engine = engine or engine_for(None)
            graph = synthetic_city(index, seed=seed)
            prepared = publication(oxigraph_triples(graph), engine.assess(graph), published=PUBLISHED)
            quads.write_bytes(ox.serialize(prepared.quads(), format=ox.RdfFormat.N_QUADS))
            meta.write_text(json.dumps(asdict(prepared.record)))
        record = Record(**json.loads(meta.read_text()))
        graphs = {}
        for quad in ox.parse(path=str(quads), format=ox.RdfFormat.N_QUADS):
            graphs.setdefault(quad.graph_name, []).append(ox.Triple(quad.subject, quad.predicate, quad.object))
        catalogue = graphs.pop(CATALOGUE_GRAPH)
        found.append(Publication(record, {**graphs, CATALOGUE_GRAPH: catalogue}))
        if (index + 1) % 50 == 0:
            print(f"  {index + 1}/{count} cities ready ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return found


def reference_graphs():
    from sscmm.levelshapes import LEVEL_SHAPES_DIR
    from sscmm.web import BENCHMARKS_DIR, _benchmarks, _criteria  # the graphs the service loads at start

    engine = engine_for(None)
    assert BENCHMARKS_DIR.is_dir()
    return {MODEL_GRAPH: engine.model, SHAPES_GRAPH: _criteria(LEVEL_SHAPES_DIR / f"{engine.name}.ttl"),
            BENCHMARKS_GRAPH: _benchmarks()}


# -- the stores ----------------------------------------------------------------------------------


def open_store(kind, stack, workdir):
    from sscmm.embedded import EmbeddedStore
    from sscmm.remote import RemoteStore

    from tests.store_servers import oxigraph_server, virtuoso_server

    limits = {"timeout": 600, "max_rows": 10_000_000}
    if kind == "embedded":
        store = EmbeddedStore(workdir / "embedded", workers=1, **limits)
        stack.callback(store.close)
        return store
    server = stack.enter_context(oxigraph_server(workdir / "oxigraph") if kind == "oxigraph"
                                 else virtuoso_server(workdir / "virtuoso", buffers=340000))
    return RemoteStore(server.query_url, server.update_url, server.gsp_url, store_timeout=600, **limits)


def time_query(store, query, repeat):
    store.query(query, JSON_RESULTS)  # warm-up (and the snapshot, for the embedded store)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        answer = store.query(query, JSON_RESULTS)
        times.append(time.perf_counter() - started)
    rows = len(json.loads(answer.body)["results"]["bindings"])
    return statistics.median(times), rows


# -- rdflib --------------------------------------------------------------------------------------


def _rdflib_query(dataset, query, conn):
    started = time.perf_counter()
    rows = len(list(dataset.query(query)))
    conn.send((time.perf_counter() - started, rows))


def rdflib_times(pubs, references, queries, timeout):
    from rdflib import Dataset, URIRef
    from sscmm.terms import to_rdflib

    started = time.perf_counter()
    dataset = Dataset()
    for name, graph in references.items():
        target = dataset.graph(URIRef(name.value))
        for triple in graph:
            target.add(triple)
    for pub in pubs:
        for name, triples in pub.graphs.items():
            target = dataset.graph(URIRef(name.value))
            for t in triples:
                target.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
    load = time.perf_counter() - started
    context = multiprocessing.get_context("fork")  # the child shares the loaded dataset
    times = {}
    for name, query in queries.items():
        parent, child = context.Pipe()
        process = context.Process(target=_rdflib_query, args=(dataset, query, child))
        process.start()
        if parent.poll(timeout):
            times[name] = parent.recv()
        else:
            times[name] = (None, None)  # stopped at the time limit
        process.kill()
        process.join()
    return load, times


# -- the run -------------------------------------------------------------------------------------


def run(count, args):
    print(f"\n== {count} cities ==")
    pubs = publications(count, Path(args.cache), args.seed)
    triples = sum(len(t) for p in pubs for t in p.graphs.values())
    print(f"{count} publications, {triples:,} triples")
    analyses = load_analyses()
    queries = {name: a.query(params_for(count).get(name, {})) for name, a in analyses.items()}
    references = reference_graphs()
    results, loads = {}, {}
    for kind in args.stores:
        with ExitStack() as stack, tempfile.TemporaryDirectory(prefix=f"bench-{kind}-") as tmp:
            try:
                store = open_store(kind, stack, Path(tmp))
            except (RuntimeError, FileNotFoundError) as err:
                print(f"  {kind}: not run ({err})")
                continue
            started = time.perf_counter()
            store.replace_graphs(references)
            for pub in pubs:
                store.write(pub)
            loads[kind] = time.perf_counter() - started
            print(f"  {kind}: loaded in {loads[kind]:.1f} s", file=sys.stderr)
            for name, query in queries.items():
                try:
                    results[(name, kind)] = time_query(store, query, args.repeat)
                except Exception as err:  # noqa: BLE001 - a store that cannot answer is reported, not fatal
                    results[(name, kind)] = (None, f"{type(err).__name__}: {str(err)[:80]}")
    if count <= args.rdflib_max:
        loads["rdflib"], rdflib = rdflib_times(pubs, references, queries, args.rdflib_timeout)
        for name, value in rdflib.items():
            results[(name, "rdflib")] = value
    columns = [k for k in [*args.stores, "rdflib"] if k in loads]
    print("\nload (s): " + "  ".join(f"{k} {loads[k]:.1f}" for k in columns))
    print(f"{'query':<22}" + "".join(f"{k:>12}" for k in columns) + f"{'rows':>7}{'rdflib/emb':>12}")
    met = True
    for name in queries:
        cells, rows = [], ""
        for kind in columns:
            seconds, extra = results.get((name, kind), (None, None))
            if seconds is None:
                cells.append(f"{'>' + str(args.rdflib_timeout) + ' s' if kind == 'rdflib' else 'error':>12}")
            else:
                cells.append(f"{seconds:>11.3f}s")
                rows = rows or str(extra)
        embedded = results.get((name, "embedded"), (None,))[0]
        baseline = results.get((name, "rdflib"), (None,))[0]
        if "rdflib" in loads and embedded:
            ratio = (f"{baseline / embedded:>11.0f}x" if baseline is not None
                     else f"{'>' + format(args.rdflib_timeout / embedded, '.0f'):>11}x")
        else:
            ratio = f"{'-':>12}"
        print(f"{name:<22}" + "".join(cells) + f"{rows:>7}" + ratio)
        if embedded is None or embedded > TARGET_SECONDS:
            met = False
        if baseline is not None and embedded and baseline / embedded < TARGET_SPEEDUP:
            met = False
    for (name, kind), (seconds, extra) in sorted(results.items()):
        if seconds is None and kind != "rdflib":
            print(f"  {name} on {kind}: {extra}")
    if count >= 1000:
        print(f"target (1,000 cities: each analysis <= {TARGET_SECONDS:g} s embedded, >= {TARGET_SPEEDUP:g}x rdflib): "
              + ("met" if met else "NOT MET"))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", default="100,1000")
    parser.add_argument("--stores", default="embedded,oxigraph,virtuoso")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rdflib-max", type=int, default=100, help="largest city count rdflib is run on")
    parser.add_argument("--rdflib-timeout", type=int, default=120)
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "sscmm-bench-analysis"))
    args = parser.parse_args()
    args.stores = [s for s in args.stores.split(",") if s]
    for count in (int(c) for c in args.cities.split(",")):
        run(count, args)


if __name__ == "__main__":
    main()
