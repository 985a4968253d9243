"""Assessment benchmark: the prepared engine against the naive pyshacl call, same run.

    python bench/assess.py [--cities 20] [--seed 0] [--years 5] [--level L] [--profile]

1. Generates K synthetic, complete cities (bench/synthetic.py: 91 KPIs, ``--years``
   years of observations, full matrix and evidence).
2. Builds one ``Engine()`` (timed on its own), warms it up on Exampleton (not counted),
   then per city:
   (a) prepared: ``engine.assess(graph)``, timed;
   (b) naive: the plain ``pyshacl.validate`` call (``sscmm.validation.naive_validate``)
       with the shapes graph parsed from the Turtle text of shapes/input/*.ttl and
       shapes/levels/<model>.ttl on every call, over the very graph the engine validated
       in (a) (city graph + derived graph + ``engine.essentials``; captured by wrapping
       ``engine.shapes.validate``, so it excludes what the conclusion step adds later to
       ``result.derived``), timed: parsing the shapes + validating;
   (c) compares conformance: the set of (node shape of sh:sourceShape, sh:focusNode,
       sh:value) of the two reports must be equal, and so must sh:conforms; otherwise it
       prints a MISMATCH line and the script exits 1.
   Prepared and naive run interleaved per city, so no city graph outlives its turn.
3. Prints a per-city table, p50/p95/mean, the naive/prepared ratios and the issue's
   targets: prepared p50 <= 100 ms per city, >= 10x faster than naive, identical
   conformance.

``--profile`` also prints where the prepared time goes, by wrapping the engine's methods
on the instance (no engine edits): input checks, each derive and conclude rule, the
oxigraph loads and clears, validation (pyshacl), reading the report, and the rest of
``assess`` (graph copies, term conversion between rdflib and oxigraph, the result).
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.namespace import RDF, SH

sys.path.insert(0, str(Path(__file__).resolve().parent))

from synthetic import synthetic_city  # noqa: E402

from sscmm.engine import INPUT_SHAPES_DIR, Engine  # noqa: E402
from sscmm.levelshapes import LEVEL_SHAPES_DIR  # noqa: E402
from sscmm.paths import ROOT  # noqa: E402
from sscmm.validation import naive_validate  # noqa: E402

TARGET_P50_MS = 100.0
TARGET_SPEEDUP = 10.0


# -- statistics -------------------------------------------------------------------------


def percentile(values, p):
    """Linear-interpolation percentile (numpy's default) of a non-empty list."""
    xs = sorted(values)
    if len(xs) == 1:
        return xs[0]
    k = (len(xs) - 1) * p / 100.0
    lo = int(k)
    hi = min(lo + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


def ms(seconds):
    return f"{seconds * 1000:,.1f}"


# -- conformance --------------------------------------------------------------------------


def _root_shape(shapes: Graph, node):
    """The named node shape a (possibly nested, blank) shape belongs to: walk up the
    shapes graph (sh:property, sh:node, sh:or lists ...) until an IRI is reached."""
    seen = set()
    while isinstance(node, BNode) and node not in seen:
        seen.add(node)
        parents = sorted(shapes.subjects(None, node), key=str)
        if not parents:
            break
        parent = parents[0]
        # Inside an RDF list: go back to the list's head, then to what holds the list.
        while (parent, RDF.first, node) in shapes or (parent, RDF.rest, None) in shapes and \
                (None, RDF.rest, parent) in shapes:
            heads = sorted(shapes.subjects(RDF.rest, parent), key=str)
            if not heads:
                break
            node, parent = parent, heads[0]
        node = parent
    return node


def result_keys(report: Graph, shapes: Graph, parent_shape: dict | None = None):
    """{(node shape, focus node, value)} of a pyshacl report."""
    keys = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        source = report.value(result, SH.sourceShape)
        shape = parent_shape.get(source, source) if parent_shape else source
        shape = _root_shape(shapes, shape)
        keys.add((shape, report.value(result, SH.focusNode), report.value(result, SH.value)))
    return keys


def _conforms(report: Graph):
    value = next(report.objects(None, SH.conforms), None)
    return bool(value.toPython()) if value is not None else None


# -- profiling ----------------------------------------------------------------------------


class StepProfiler:
    """Exclusive (self) time per engine step, from wrappers installed on one Engine."""

    OTHER = "other: graph copies, rdflib<->oxigraph term conversion, result"

    def __init__(self, engine: Engine):
        self.engine = engine
        self.totals = defaultdict(list)   # step -> [seconds per assess]
        self._current = defaultdict(float)
        self._stack = []                  # [label, start, child time]
        names = {query: name for name, query in engine.derive_rules}
        names.update({query: name for name, query in engine.conclude_rules})
        derive = {query for _, query in engine.derive_rules}
        self._wrap(engine, "_input_problems", lambda *a: "input checks (SPARQL, shapes/input/checks)")
        self._wrap(engine, "_construct",
                   lambda query: f"{'derive' if query in derive else 'conclude'}: rules/.../{names.get(query, '?')}.rq")
        self._wrap(engine.shapes, "validate", lambda *a: "validation (pyshacl, prepared shapes)")
        self._wrap(engine, "_read_report", lambda *a: "read validation report")
        engine._store = _StoreProxy(engine._store, self)

    def _wrap(self, obj, attr, label_of):
        original = getattr(obj, attr)

        def wrapper(*args, **kwargs):
            with self.step(label_of(*args)):
                return original(*args, **kwargs)
        setattr(obj, attr, wrapper)

    def step(self, label):
        profiler = self

        class _Step:
            def __enter__(self):
                profiler._stack.append([label, time.perf_counter(), 0.0])

            def __exit__(self, *exc):
                name, start, children = profiler._stack.pop()
                elapsed = time.perf_counter() - start
                profiler._current[name] += elapsed - children
                if profiler._stack:
                    profiler._stack[-1][2] += elapsed
                return False
        return _Step()

    def top_level(self):
        return len(self._stack) == 1  # inside assess, not inside a wrapped step

    def assess(self, graph):
        self._current = defaultdict(float)
        with self.step(self.OTHER):
            result = self.engine.assess(graph)
        for name, seconds in self._current.items():
            self.totals[name].append(seconds)
        return result

    def report(self, out):
        runs = max(len(v) for v in self.totals.values())
        rows = [(name, sum(v) / runs, percentile(v + [0.0] * (runs - len(v)), 50)) for name, v in self.totals.items()]
        total = sum(mean for _, mean, _ in rows)
        rows.sort(key=lambda r: -r[1])
        out(f"\nWhere the prepared time goes (mean over {runs} cities; self time, wrappers on the engine instance)")
        out(f"  {'step':<62} {'mean ms':>10} {'p50 ms':>10} {'share':>7}")
        for name, mean, p50 in rows:
            out(f"  {name:<62} {ms(mean):>10} {ms(p50):>10} {mean / total:>6.1%}")
        out(f"  {'total':<62} {ms(total):>10}")


class _StoreProxy:
    """Times the oxigraph store's loads and clears made directly by ``assess``."""

    def __init__(self, store, profiler):
        self._store = store
        self._profiler = profiler

    def _timed(self, label, fn, *args, **kwargs):
        if not self._profiler.top_level():
            return fn(*args, **kwargs)
        with self._profiler.step(label):
            return fn(*args, **kwargs)

    def extend(self, *args, **kwargs):
        return self._timed("oxigraph: load input graph / failed criteria", self._store.extend, *args, **kwargs)

    def clear_graph(self, *args, **kwargs):
        return self._timed("oxigraph: clear input and derived graphs", self._store.clear_graph, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(self._store, name)


# -- the benchmark -------------------------------------------------------------------------


def shapes_texts(engine: Engine):
    """The Turtle text of the shapes the engine uses, in the engine's order."""
    paths = sorted(INPUT_SHAPES_DIR.glob("*.ttl")) + [LEVEL_SHAPES_DIR / f"{engine.name}.ttl"]
    return [p.read_text(encoding="utf-8") for p in paths]


def naive_call(texts, data):
    """The issue's naive call: shapes parsed from Turtle, then plain pyshacl.validate."""
    shapes = Graph()
    for text in texts:
        shapes.parse(data=text, format="turtle")
    conforms, report = naive_validate(data, shapes)
    return shapes, conforms, report


def main(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark sscmm assess (prepared) against naive pyshacl validation.")
    parser.add_argument("--cities", type=int, default=20, help="number of synthetic cities (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument("--years", type=int, default=5, help="years of observations per KPI (default 5)")
    parser.add_argument("--level", type=int, choices=(1, 2, 3, 4, 5), default=None,
                        help="KPI performance level of every city (default: a mix)")
    parser.add_argument("--profile", action="store_true", help="print the prepared time per engine step")
    parser.add_argument("--quiet", action="store_true", help="no per-city rows")
    args = parser.parse_args(argv)
    out = print

    t0 = time.perf_counter()
    cities = [synthetic_city(i, seed=args.seed, years=args.years, target_level=args.level) for i in range(args.cities)]
    generated = time.perf_counter() - t0

    t0 = time.perf_counter()
    engine = Engine()
    built = time.perf_counter() - t0
    captured = {}
    validate = engine.shapes.validate

    def capturing_validate(data):  # keeps a reference to the graph the engine validates, times the call
        captured["data"] = data
        t0 = time.perf_counter()
        try:
            return validate(data)
        finally:
            captured["seconds"] = time.perf_counter() - t0
    engine.shapes.validate = capturing_validate
    profiler = StepProfiler(engine) if args.profile else None
    texts = shapes_texts(engine)

    t0 = time.perf_counter()
    engine.assess(Graph().parse(ROOT / "data" / "examples" / "exampleton.ttl", format="turtle"))
    warm_up = time.perf_counter() - t0
    if profiler:
        profiler.totals.clear()

    out(f"sscmm assessment benchmark: {args.cities} synthetic cities (seed {args.seed}, {args.years} years, "
        f"all 91 U4SSC KPIs), model {engine.name}")
    out(f"generated in {generated:.2f} s; Engine() built in {ms(built)} ms; warm-up assess (Exampleton, not counted) "
        f"{ms(warm_up)} ms")
    if not args.quiet:
        out("")
        out(f"  {'city':>4} {'triples':>8} {'validated':>10} {'level':>5} {'prepared ms':>12} {'naive ms':>12} "
            f"{'ratio':>7} {'results':>8}  conformance")

    prepared, prepared_validation, naive, triples, validated = [], [], [], [], []
    mismatches, total_results = 0, 0
    for i, graph in enumerate(cities):
        captured.clear()
        t0 = time.perf_counter()
        result = profiler.assess(graph) if profiler else engine.assess(graph)
        prepared.append(time.perf_counter() - t0)
        if result.input_errors:
            out(f"MISMATCH city {i}: the engine reports input errors, the city graph is not assessed: "
                f"{'; '.join(map(str, result.input_errors[:3]))}")
            mismatches += 1
            continue
        level = result.as_dict()["overall_level"]["order"]
        data = captured["data"]
        prepared_validation.append(captured["seconds"])

        t0 = time.perf_counter()
        shapes, naive_conforms, naive_report = naive_call(texts, data)
        naive.append(time.perf_counter() - t0)

        ours = result_keys(result.report, engine.shapes.graph, engine.parent_shape)
        theirs = result_keys(naive_report, shapes)
        same = ours == theirs and _conforms(result.report) == naive_conforms
        total_results += len(ours)
        triples.append(len(graph))
        validated.append(len(data))
        if not args.quiet:
            out(f"  {i:>4} {len(graph):>8,} {len(data):>10,} {level:>5} {ms(prepared[-1]):>12} {ms(naive[-1]):>12} "
                f"{naive[-1] / prepared[-1]:>6.1f}x {len(ours):>8}  {'identical' if same else 'DIFFERENT'}")
        if not same:
            mismatches += 1
            out(f"MISMATCH city {i}: conforms prepared={_conforms(result.report)} naive={naive_conforms}; "
                f"{len(ours - theirs)} results only prepared, {len(theirs - ours)} only naive")
            for key in sorted(ours - theirs, key=str)[:5]:
                out(f"    only prepared: {key}")
            for key in sorted(theirs - ours, key=str)[:5]:
                out(f"    only naive:    {key}")
        del result, data, shapes, naive_report
        captured.clear()

    if not naive:
        out("no city was assessed")
        return 1
    p50p, p95p = percentile(prepared, 50), percentile(prepared, 95)
    p50n, p95n = percentile(naive, 50), percentile(naive, 95)
    out("")
    out(f"triples per city: min {min(triples):,}, median {int(statistics.median(triples)):,}, max {max(triples):,} "
        f"(validated graph with derived facts and model essentials: median {int(statistics.median(validated)):,})")
    out("")
    out(f"  {'per city':<40} {'p50 ms':>10} {'p95 ms':>10} {'mean ms':>10}")
    out(f"  {'(a) prepared  engine.assess()':<40} {ms(p50p):>10} {ms(p95p):>10} {ms(statistics.mean(prepared)):>10}")
    p50v, p95v = percentile(prepared_validation, 50), percentile(prepared_validation, 95)
    label = "(a') prepared validation step only"
    out(f"  {label:<40} {ms(p50v):>10} {ms(p95v):>10} "
        f"{ms(statistics.mean(prepared_validation)):>10}")
    out(f"  {'(b) naive     parse shapes + pyshacl':<40} {ms(p50n):>10} {ms(p95n):>10} {ms(statistics.mean(naive)):>10}")
    out(f"  {'(c) ratio     naive / prepared':<40} {p50n / p50p:>9.1f}x {p95n / p95p:>9.1f}x")
    out(f"  {'    ratio     naive / prepared validation':<40} {p50n / p50v:>9.1f}x {p95n / p95v:>9.1f}x")
    out("")
    ok_p50 = p50p * 1000 <= TARGET_P50_MS
    ok_speed = p50n / p50p >= TARGET_SPEEDUP and p95n / p95p >= TARGET_SPEEDUP
    out("targets (issue):")
    rows = [(f"prepared p50 <= {TARGET_P50_MS:.0f} ms per city", ok_p50, f"{ms(p50p)} ms"),
            (f"prepared >= {TARGET_SPEEDUP:.0f}x faster than naive", ok_speed,
             f"p50 {p50n / p50p:.1f}x, p95 {p95n / p95p:.1f}x"),
            ("identical conformance", not mismatches,
             f"{len(cities) - mismatches}/{len(cities)} cities, {total_results:,} results compared")]
    for label, ok, detail in rows:
        out(f"  {label:<38} {'met' if ok else 'NOT MET':<8} ({detail})")
    if profiler:
        profiler.report(out)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
