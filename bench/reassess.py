"""Store-wide reassessment benchmark: reassessing every published city inside the store
(sscmm.reassess, what ``sscmm reassess`` and ``POST /reassess`` do) against the per-city
path (the rules and pyshacl, one city at a time), on the same cities in the same run.

    python bench/reassess.py [--cities 200,1000] [--stores embedded,oxigraph] [--sample 10]
                             [--cache /tmp/sscmm-bench-analysis]

1. The publications of N synthetic cities, as bench/analysis.py generates and caches them
   (91 KPIs x 5 years, a full matrix and evidence, levels drawn per city).
2. For each store: loads them (the embedded store as ``sscmm load`` does; Oxigraph server
   with its bulk loader), then times ``reassess`` twice: the store-wide queries and the
   writing of every reassessment graph.
3. The per-city path on a sample of the same publications: the city's stored triples read
   back into a graph, ``Engine.assess`` (pyshacl) and the JSON result, timed per city; its
   time for N cities is the sample's mean times N (printed as an estimate). The sample's
   failed criteria and levels must equal the store's (else the run fails).
4. Prints the times, the ratio per-city / store-wide and the target: 1,000 cities in <= 5 s
   on the embedded store, >= 100x the per-city path (met or NOT MET; the exit code stays 0).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from contextlib import ExitStack
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent))

from analysis import load, open_store, publications, reference_graphs  # noqa: E402
from rdflib import Graph  # noqa: E402
from sscmm.engine import engine_for  # noqa: E402
from sscmm.reassess import Reassessment, reassess  # noqa: E402
from sscmm.store import assessment_graph  # noqa: E402
from sscmm.terms import to_rdflib  # noqa: E402

TARGET_SECONDS, TARGET_SPEEDUP, TARGET_CITIES = 5.0, 100.0, 1000


def per_city(engine, pubs):
    """Seconds per city of the per-city path on these publications, and its outcomes."""
    times, outcomes = [], {}
    for pub in pubs:
        triples = pub.graphs[assessment_graph(pub.record.id)]
        started = time.perf_counter()
        graph = Graph()
        for t in triples:
            graph.add((to_rdflib(t.subject), to_rdflib(t.predicate), to_rdflib(t.object)))
        result = engine.assess(graph)
        result.as_dict()
        times.append(time.perf_counter() - started)
        outcomes[pub.record.id] = ({str(f.shape) for f in result.failures},
                                   {str(s): str(lvl) for s, lvl in result.facts.attained_levels().items()})
    return times, outcomes


def bench(count, args, engine, compiled):
    pubs, files = publications(count, Path(args.cache), args.seed)
    sample = pubs[:: max(1, len(pubs) // args.sample)][: args.sample]
    times, expected = per_city(engine, sample)
    per_city_total = statistics.mean(times) * count
    print(f"\n{count} cities: per-city path (pyshacl) {statistics.mean(times) * 1000:.0f} ms a city "
          f"(mean of {len(sample)}), {per_city_total:.1f} s for {count} (estimated)", flush=True)
    rows = []
    for kind in args.stores:
        with tempfile.TemporaryDirectory(prefix=f"sscmm-reassess-{kind}-") as workdir, ExitStack() as stack:
            bulk = kind != "embedded"
            store = open_store(kind, stack, Path(workdir), bulk_files=files if bulk else None)
            started = time.perf_counter()
            load(kind, store, pubs, reference_graphs(), bulk)
            loaded = time.perf_counter() - started
            runs = []
            for _ in range(2):
                started = time.perf_counter()
                outcomes = reassess(store, compiled)
                runs.append(time.perf_counter() - started)
            for assessment_id, (failed, levels) in expected.items():
                got = outcomes[assessment_id]
                if got.failed != failed or got.levels != levels:
                    raise SystemExit(f"{kind}: {assessment_id} differs from the per-city path")
            rows.append((kind, loaded, runs, len(outcomes)))
            print(f"  {kind}: loaded in {loaded:.1f} s; reassessed {len(outcomes)} in "
                  f"{runs[0]:.2f} s, then {runs[1]:.2f} s; ratio per-city / store-wide "
                  f"{per_city_total / min(runs):.1f}x; sample agrees ({len(expected)} cities)", flush=True)
    embedded = next((r for r in rows if r[0] == "embedded"), None)
    if embedded is not None and count == TARGET_CITIES:
        best = min(embedded[2])
        met = best <= TARGET_SECONDS and per_city_total / best >= TARGET_SPEEDUP
        print(f"target ({TARGET_CITIES} cities: <= {TARGET_SECONDS:g} s embedded, >= {TARGET_SPEEDUP:g}x the "
              f"per-city path): {'met' if met else 'NOT MET'} ({best:.2f} s, {per_city_total / best:.1f}x)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cities", default="200,1000")
    parser.add_argument("--stores", default="embedded,oxigraph")
    parser.add_argument("--sample", type=int, default=10, help="cities the per-city path is timed on")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--model", default="y4904")
    parser.add_argument("--cache", default=str(Path(tempfile.gettempdir()) / "sscmm-bench-analysis"))
    args = parser.parse_args()
    args.stores = [s for s in args.stores.split(",") if s]
    engine = engine_for(args.model)
    compiled = Reassessment(engine)
    for count in (int(c) for c in args.cities.split(",")):
        bench(count, args, engine, compiled)


if __name__ == "__main__":
    main()
