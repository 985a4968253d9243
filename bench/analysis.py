"""Cross-city analysis benchmark: load time and each analysis query's time on the embedded
store, on ``oxigraph serve`` and on Virtuoso, with rdflib in memory as the baseline, in one run.

    python bench/analysis.py [--cities 100,1000] [--stores embedded,oxigraph,virtuoso] [--bulk]
                             [--rdflib-max 100] [--repeat 3] [--cache /tmp/sscmm-bench-analysis]

1. Generates N synthetic cities (bench/synthetic.py: 91 KPIs x 5 years, a full matrix and
   evidence, levels drawn per city), assesses each with the engine and caches the
   publication (the graphs, with the analysis facts, and the catalogue record a publish
   writes) under ``--cache``, so a second run skips the ~0.4 s per city of assessment.
   A publication cached before the analysis facts or the KPI standing existed gets them
   once (as ``Store.add_missing_facts`` and ``Store.add_missing_standing`` would) and is
   cached again.
2. For each store: starts it (the servers on loopback, in a temporary directory), loads the
   model graphs and every publication (timed: the load): the embedded store with
   ``Store.write_many`` and ``Store.optimize`` (as ``sscmm load`` does), a server one publication
   at a time as the service writes (``Store.write``), or with ``--bulk`` with the server's
   own bulk loader (``oxigraph load`` and ``oxigraph optimize`` before it serves,
   Virtuoso's ``ld_dir`` and ``rdf_loader_run``). Then runs each analysis of analysis/*.rq ``--repeat`` times through
   ``sscmm.analysis.run`` (what GET /analysis/{name} does: the query through
   ``Store.query``, for the embedded store in a worker process on a snapshot, then its rank
   step) and keeps the median.
3. rdflib: the same publications in one in-memory ``Dataset`` (load timed), the same
   queries with rdflib's SPARQL engine, each in a forked process stopped after
   ``--rdflib-timeout`` s; only up to ``--rdflib-max`` cities (~24 k quads a city: 1,000
   cities would need tens of GB in rdflib). Above it, the ratio is taken against the rdflib
   time of the largest city count measured in the same run, a lower bound (rdflib reads
   at least as much for more cities), and printed as "> N x".
4. Prints, per city count, a table of query x store times and the ratio rdflib / embedded,
   and the targets: every analysis over 1,000 cities <= 1 s on the embedded store and
   >= 30x faster than rdflib (reported as met or NOT MET; the exit code stays 0).
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import resource
import statistics
import subprocess
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

from sscmm.analysis import load_analyses, run
from sscmm.analysisfacts import METRICS, analysis_facts
from sscmm.engine import engine_for
from sscmm.kpistanding import standing_for
from sscmm.store import (
    CATALOGUE_GRAPH,
    Publication,
    Record,
    assessment_graph,
    oxigraph_triples,
    publication,
    result_graph,
)
from synthetic import synthetic_city

TARGET_SECONDS, TARGET_SPEEDUP = 1.0, 30.0
PUBLISHED = "2025-01-01T00:00:00Z"


def params_for(_cities):
    first = "https://data.city-0000.example/ssc/city"  # bench/synthetic.py names city i data.city-{i:04d}.example
    return {"kpi-across-cities": {"kpi": "EC:ICT:ICT:1C"}, "city-progress": {"city": first},
            "peer-cities": {"city": first}}


# -- publications, cached ------------------------------------------------------------------------


def publications(count, cache, seed):
    """The publications of ``count`` synthetic cities, generated and assessed once; and the
    cached N-Quads files (for the servers' bulk loaders)."""
    cache.mkdir(parents=True, exist_ok=True)
    engine, found, files = None, [], []
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
        prepared = Publication(record, {**graphs, CATALOGUE_GRAPH: catalogue})
        upgraded = _with_facts(prepared) if _without_facts(prepared) else prepared  # cached before they existed
        standing = standing_for(engine_for(None))
        if standing.graph(record.id) not in upgraded.graphs:
            upgraded = _with_standing(upgraded, standing)
        if upgraded is not prepared:
            prepared = upgraded
            quads.write_bytes(ox.serialize(prepared.quads(), format=ox.RdfFormat.N_QUADS))
        found.append(prepared)
        files.append(quads)
        if (index + 1) % 50 == 0:
            print(f"  {index + 1}/{count} cities ready ({time.perf_counter() - started:.0f} s)", file=sys.stderr)
    return found, files


def _without_facts(prepared):
    results = prepared.graphs[result_graph(prepared.record.id)]
    return not any(t.object == METRICS[0] for t in results)


def _with_facts(prepared):
    """The publication with the analysis facts added to its result graph (the catalogue
    record kept last)."""
    name = result_graph(prepared.record.id)
    city, results = prepared.graphs[assessment_graph(prepared.record.id)], prepared.graphs[name]
    facts = analysis_facts(ox.NamedNode(prepared.record.assessment), city, results, name)
    return _with_graph(prepared, name, results + facts)


def _with_standing(prepared, standing):
    """The publication with its KPI standing graph (sscmm.kpistanding), as publishing now writes it."""
    record = prepared.record
    facts = standing.facts(ox.NamedNode(record.assessment), record.id, prepared.graphs[assessment_graph(record.id)],
                           prepared.graphs[result_graph(record.id)])
    return _with_graph(prepared, standing.graph(record.id), facts)


def _with_graph(prepared, name, triples):
    """The publication with the graph ``name`` set to ``triples``, the catalogue record kept last."""
    graphs = {key: found for key, found in prepared.graphs.items() if key != CATALOGUE_GRAPH}
    graphs[name] = triples
    return Publication(prepared.record, {**graphs, CATALOGUE_GRAPH: prepared.graphs[CATALOGUE_GRAPH]})


def reference_graphs():
    from sscmm.web import reference_graphs as service_graphs  # the graphs the service loads at start

    return service_graphs(engine_for(None).model)


# -- the stores ----------------------------------------------------------------------------------


def open_store(kind, stack, workdir, bulk_files=None):
    """The store of that kind; for a server with ``bulk_files``, loaded with its own bulk
    loader (before it serves, for Oxigraph). The catalogue records are in those files."""
    from sscmm.embedded import EmbeddedStore
    from sscmm.remote import RemoteStore

    from tests.store_servers import oxigraph_binary, oxigraph_server, virtuoso_server

    limits = {"timeout": 600, "max_rows": 10_000_000}
    if kind == "embedded":
        store = EmbeddedStore(workdir / "embedded", workers=1, **limits)
        stack.callback(store.close)
        return store
    if kind == "oxigraph":
        if bulk_files:
            (workdir / "oxigraph").mkdir()
            location = str(workdir / "oxigraph" / "store")
            for command in (["load", "--location", location, "--file", *map(str, bulk_files)],
                            ["optimize", "--location", location]):  # as oxigraph load advises
                done = subprocess.run([oxigraph_binary(), *command], capture_output=True, text=True, check=False)
                if done.returncode != 0:
                    raise RuntimeError(f"oxigraph {command[0]} failed: {done.stderr[-500:]}")
        server = stack.enter_context(oxigraph_server(workdir / "oxigraph"))
    else:
        links = workdir / "bulk"
        if bulk_files:  # the loader reads a folder it is allowed to: hard links to the cache
            links.mkdir()
            for path in bulk_files:
                os.link(path, links / path.name)
        server = stack.enter_context(virtuoso_server(workdir / "virtuoso", buffers=340000, dirs_allowed=[links]))
        if bulk_files:
            from tests.store_servers import isql

            isql(server, f"ld_dir('{links}', '*.nq', 'urn:sscmm:bulk'); rdf_loader_run(); checkpoint;", timeout=7200)
    return RemoteStore(server.query_url, server.update_url, server.gsp_url, store_timeout=600, **limits)


def load(kind, store, pubs, references, bulk):
    """Write the model graphs and every publication (unless a bulk loader did)."""
    store.replace_graphs(references)
    if kind == "embedded":  # as sscmm load does
        for start in range(0, len(pubs), 50):
            store.write_many(pubs[start:start + 50])
        store.optimize()
    elif not bulk:
        for pub in pubs:
            store.write(pub)


def time_analysis(store, analysis, params, repeat):
    """Median seconds of ``sscmm.analysis.run`` (after a warm-up) and the rows."""
    run(store, analysis, params)  # warm-up (and the snapshot, for the embedded store)
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        table = run(store, analysis, params)
        times.append(time.perf_counter() - started)
    return statistics.median(times), len(table.rows)


# -- rdflib --------------------------------------------------------------------------------------


def _rdflib_query(dataset, query, conn):
    started = time.perf_counter()
    try:
        rows = len(list(dataset.query(query)))
    except Exception as err:  # noqa: BLE001 - rdflib's failure is reported in the table
        conn.send((None, f"rdflib failed: {type(err).__name__}: {err}"))
        return
    conn.send((time.perf_counter() - started, rows))


def rdflib_times(pubs, references, queries, timeout):
    """(load seconds, memory grown in MB, {name: (seconds or None, rows)})."""
    from rdflib import Dataset, URIRef
    from sscmm.terms import to_rdflib

    started = time.perf_counter()
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
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
    grown = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    context = multiprocessing.get_context("fork")  # the child shares the loaded dataset
    times = {}
    for name, query in queries.items():
        parent, child = context.Pipe()
        process = context.Process(target=_rdflib_query, args=(dataset, query, child))
        process.start()
        if parent.poll(timeout):
            times[name] = parent.recv()
        else:
            times[name] = (None, "stopped")  # at the time limit
        process.kill()
        process.join()
    return load, grown, times


# -- the run -------------------------------------------------------------------------------------


def bench(count, args, baseline):
    """One city count; ``baseline``: the rdflib times of the largest count measured so far
    in this run ({"count", "timeout", "times"}), updated when rdflib runs here."""
    print(f"\n== {count} cities ==")
    pubs, files = publications(count, Path(args.cache), args.seed)
    triples = sum(len(t) for p in pubs for t in p.graphs.values())
    print(f"{count} publications, {triples:,} triples")
    analyses = load_analyses()
    params = params_for(count)
    references = reference_graphs()
    results, loads = {}, {}
    for kind in args.stores:
        with ExitStack() as stack, tempfile.TemporaryDirectory(prefix=f"bench-{kind}-") as tmp:
            bulk = args.bulk and kind != "embedded"
            started = time.perf_counter()
            try:
                store = open_store(kind, stack, Path(tmp), bulk_files=files if bulk else None)
            except (RuntimeError, FileNotFoundError) as err:
                print(f"  {kind}: not run ({err})")
                continue
            load(kind, store, pubs, references, bulk)
            loads[kind] = time.perf_counter() - started
            print(f"  {kind}: loaded in {loads[kind]:.1f} s" + (" (its bulk loader)" if bulk else ""), file=sys.stderr)
            for name, analysis in analyses.items():
                try:
                    results[(name, kind)] = time_analysis(store, analysis, params.get(name, {}), args.repeat)
                except Exception as err:  # noqa: BLE001 - a store that cannot answer is reported, not fatal
                    results[(name, kind)] = (None, f"{type(err).__name__}: {str(err)[:300]}")
    if count <= args.rdflib_max:
        queries = {name: a.query(params.get(name, {})) for name, a in analyses.items()}
        loads["rdflib"], grown, rdflib = rdflib_times(pubs, references, queries, args.rdflib_timeout)
        print(f"  rdflib: loaded in {loads['rdflib']:.1f} s, {grown:,.0f} MB", file=sys.stderr)
        for name, value in rdflib.items():
            results[(name, "rdflib")] = value
        baseline.update(count=count, timeout=args.rdflib_timeout,  # stopped: at least the time limit
                        times={n: v[0] if v[0] is not None else args.rdflib_timeout
                               for n, v in rdflib.items() if v[0] is not None or v[1] == "stopped"})
    columns = [k for k in [*args.stores, "rdflib"] if k in loads]
    print("\nload (s): " + "  ".join(f"{k} {loads[k]:.1f}" for k in columns) + ("  (servers: their bulk loaders)" if args.bulk else ""))
    print(f"{'query':<22}" + "".join(f"{k:>12}" for k in columns) + f"{'rows':>7}{'rdflib/emb':>12}")
    met = True
    for name in analyses:
        cells, rows = [], ""
        for kind in columns:
            seconds, extra = results.get((name, kind), (None, None))
            if seconds is None:
                cells.append(f"{'>' + str(args.rdflib_timeout) + ' s' if extra == 'stopped' else 'error':>12}")
            else:
                cells.append(f"{seconds:>11.3f}s")
                rows = rows or str(extra)
        embedded = results.get((name, "embedded"), (None,))[0]
        ratio, at_least = _ratio(name, embedded, results, baseline, count)
        print(f"{name:<22}" + "".join(cells) + f"{rows:>7}" + ratio)
        if embedded is None or embedded > TARGET_SECONDS or (at_least is not None and at_least < TARGET_SPEEDUP):
            met = False
    for (name, kind), (seconds, extra) in sorted(results.items()):
        if seconds is None and extra != "stopped":
            print(f"  {name} on {kind}: {extra}")
    if "rdflib" not in loads and baseline:
        print(f"rdflib/emb: rdflib was not run on {count} cities (above --rdflib-max: ~24 k quads a city in memory); "
              f"the ratio is rdflib's time on {baseline['count']} cities over the embedded store's on {count}, "
              f"a lower bound (\"> N x\"; \">\" also where rdflib was stopped at {baseline['timeout']} s)")
    if count >= 1000:
        print(f"target (1,000 cities: each analysis <= {TARGET_SECONDS:g} s embedded, >= {TARGET_SPEEDUP:g}x rdflib): "
              + ("met" if met else "NOT MET"))


def _ratio(name, embedded, results, baseline, count):
    """(the rdflib / embedded cell, the lowest the ratio can be or None when unknown)."""
    if not embedded:
        return f"{'-':>12}", None
    if (name, "rdflib") in results:
        seconds, extra = results[(name, "rdflib")]
        if seconds is not None:
            return f"{seconds / embedded:>11.0f}x", seconds / embedded
        if extra == "stopped":
            return f"{'>' + format(baseline['timeout'] / embedded, '.0f'):>11}x", baseline["timeout"] / embedded
        return f"{'-':>12}", None
    if baseline and baseline["count"] < count and name in baseline["times"]:
        seconds = baseline["times"][name]
        return f"{'>' + format(seconds / embedded, '.0f'):>11}x", seconds / embedded
    return f"{'-':>12}", None


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", default="100,1000")
    parser.add_argument("--stores", default="embedded,oxigraph,virtuoso")
    parser.add_argument("--bulk", action="store_true", help="load the servers with their own bulk loaders")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--rdflib-max", type=int, default=100, help="largest city count rdflib is run on")
    parser.add_argument("--rdflib-timeout", type=int, default=120)
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "sscmm-bench-analysis"))
    args = parser.parse_args()
    args.stores = [s for s in args.stores.split(",") if s]
    baseline = {}
    for count in (int(c) for c in args.cities.split(",")):
        bench(count, args, baseline)


if __name__ == "__main__":
    main()
