"""Assessment benchmark: the prepared engine against the naive approach, in the same run.

    python bench/assess.py [--cities 20] [--seed 0] [--years 5] [--level L]
                           [--pipeline-cities 3] [--profile] [--quiet] [--cpu-time]

1. Generates K synthetic, complete cities (bench/synthetic.py: 91 KPIs, ``--years``
   years of observations, full matrix and evidence), written as Turtle.
2. Builds one ``Engine()`` (timed on its own), warms it up on Exampleton (not counted),
   then per city, interleaved so no city graph outlives its turn:
   (r) reads the city's Turtle as the service and the CLI do (``rdfio.parse``: pyoxigraph's
       parser, a ParsedGraph), timed; and with rdflib's ``Graph.parse``, timed, for comparison;
   (a) prepared: ``engine.assess(graph)`` of the graph (r) read, timed; then ``result.as_dict()`` (the JSON
       result), timed on its own;
   (b) naive validation: the plain ``pyshacl.validate`` call
       (``sscmm.validation.naive_validate``), the shapes graph parsed from the Turtle of
       shapes/input/*.ttl and shapes/levels/<model>.ttl on every call, over the city's
       graph plus the derived facts of (a) plus the model's rdf:type, rdfs:subClassOf and
       KPI facts (what the engine validated before it compiled the input shapes to
       SPARQL); timed: parsing the shapes + validating. Building that graph is not timed;
   (s) the same graph through an engine with the level shapes compiled to SPARQL
       (``Engine(validator="sparql")``, sscmm.levelsparql), timed; its failed criteria must
       equal (a)'s;
   (c) compares conformance: the set of (node shape, focus node, value) of (a)'s level
       results must equal (b)'s, and so must sh:conforms (so (b)'s input shapes must find
       nothing, as (a)'s compiled ones did: a city with input errors is a mismatch);
       otherwise a MISMATCH line and exit 1;
   (d) for the first ``--pipeline-cities`` cities, the naive pipeline: everything (a) does,
       the rdflib way — model and city in one in-memory rdflib Graph, the input checks and
       rules/*.rq run with rdflib's SPARQL engine, pyshacl with the shapes parsed per call;
       timed end to end, and its overall level compared with (a).
3. Prints a per-city table, p50/p95/mean, the ratios and the issue's targets: prepared
   p50 <= 100 ms per city, >= 10x faster than naive, identical conformance.

``--profile`` also prints where the prepared time goes, by wrapping the engine's methods
on the instance (no engine edits): each input check set, each derive and conclude rule,
building the graph pyshacl walks, validation (pyshacl), reading the report, the oxigraph
store (a fresh one per city), and the rest of ``assess`` (term conversion, the result object).
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from collections import defaultdict
from pathlib import Path

from rdflib import BNode, Graph
from rdflib.namespace import RDF, SH

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sscmm.engine import INPUT_SHAPES_DIR, Engine, engine_for  # noqa: E402
from sscmm.levelshapes import LEVEL_SHAPES_DIR  # noqa: E402
from sscmm.namespaces import SSCMM  # noqa: E402
from sscmm.paths import ROOT  # noqa: E402
from sscmm.rdfio import parse  # noqa: E402
from sscmm.validation import naive_validate, whole_graph  # noqa: E402
from synthetic import synthetic_city  # noqa: E402

TARGET_P50_MS = 100.0
#: What times are read from: wall time (default), or with --cpu-time this process's CPU time,
#: which other work on a shared machine does not inflate (the engine runs on one thread).
clock = time.perf_counter
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

    OTHER = "other: term conversion, rdflib graphs, the result object"

    def __init__(self, engine: Engine):
        self.engine = engine
        self.totals = defaultdict(list)   # step -> [seconds per assess]
        self._current = defaultdict(float)
        self._stack = []                  # [label, start, child time]
        steps = {query: (step, name) for step, rules in (("prepare", engine.prepare_rules), ("derive", engine.derive_rules),
                                                          ("conclude", engine.conclude_rules)) for name, query in rules}
        sets = {id(engine.input_checks): "input checks (SPARQL, shapes/input/checks)",
                id(engine.input_shape_checks): "input shapes compiled to SPARQL (coresparql)"}
        self._wrap(engine, "_new_store", lambda *a: "oxigraph: new store, model and city loaded")
        self._wrap(engine, "_problems", lambda store, checks, *a: sets.get(id(checks), "input checks"))
        self._wrap(engine, "_construct",
                   lambda store, query, *a: "{}: rules/.../{}.rq".format(*steps.get(query, ("rule", "?"))))
        self._wrap(engine, "_validated_graph", lambda *a: "graph pyshacl walks (view CONSTRUCT + rdflib)")
        self._wrap(engine.shapes, "validate", lambda *a: "validation (pyshacl, prepared level shapes)")
        self._wrap(engine, "_read_report", lambda *a: "read validation report")

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
                profiler._stack.append([label, clock(), 0.0])

            def __exit__(self, *exc):
                name, start, children = profiler._stack.pop()
                elapsed = clock() - start
                profiler._current[name] += elapsed - children
                if profiler._stack:
                    profiler._stack[-1][2] += elapsed
                return False
        return _Step()

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


# -- the benchmark -------------------------------------------------------------------------


def shapes_texts(engine: Engine):
    """The Turtle text of all the shapes (input and level), as the naive call reads them."""
    paths = sorted(INPUT_SHAPES_DIR.glob("*.ttl")) + [LEVEL_SHAPES_DIR / f"{engine.name}.ttl"]
    return [p.read_text(encoding="utf-8") for p in paths]


def parse_shapes(texts):
    shapes = Graph()
    for text in texts:
        shapes.parse(data=text, format="turtle")
    return shapes


def naive_call(texts, data):
    """The issue's naive call: shapes parsed from Turtle, then plain pyshacl.validate."""
    shapes = parse_shapes(texts)
    conforms, report = naive_validate(data, shapes)
    return shapes, conforms, report


def naive_pipeline(engine: Engine, texts, graph):
    """All of assess the rdflib way: rdflib SPARQL for checks and rules, pyshacl with shapes
    parsed per call. Returns the overall level's order (None if the input is rejected)."""
    data = Graph()
    data += engine.model
    data += engine.level_shapes  # rule 35 links checks to level shapes, as the engine's store does
    data += graph
    for _name, query in engine.input_checks:
        if len(data.query(query)):
            return None
    for _name, query in engine.prepare_rules + engine.derive_rules:
        for triple in list(data.query(query)):
            data.add(triple)
    shapes = parse_shapes(texts)
    _conforms, report = naive_validate(data, shapes)
    current = next(data.subjects(RDF.type, SSCMM.CurrentAssessment))
    for result in report.subjects(RDF.type, SH.ValidationResult):
        if (None, SH.detail, result) not in report:
            data.add((current, SSCMM.failsCriterion, _root_shape(shapes, report.value(result, SH.sourceShape))))
    for _name, query in engine.conclude_rules:
        for triple in list(data.query(query)):
            data.add(triple)
    level = data.value(current, SSCMM.attainedLevel)
    return int(data.value(level, SSCMM.levelOrder)) if level is not None else None


def main(argv=None):
    parser = argparse.ArgumentParser(description="Benchmark sscmm assess (prepared) against the naive approach.")
    parser.add_argument("--cities", type=int, default=20, help="number of synthetic cities (default 20)")
    parser.add_argument("--seed", type=int, default=0, help="generator seed (default 0)")
    parser.add_argument("--years", type=int, default=5, help="years of observations per KPI (default 5)")
    parser.add_argument("--level", type=int, choices=(1, 2, 3, 4, 5), default=None,
                        help="KPI performance level of every city (default: a mix)")
    parser.add_argument("--pipeline-cities", type=int, default=3,
                        help="cities also run through the naive rdflib pipeline (slow; default 3)")
    parser.add_argument("--profile", action="store_true", help="print the prepared time per engine step")
    parser.add_argument("--quiet", action="store_true", help="no per-city rows")
    parser.add_argument("--cpu-time", action="store_true",
                        help="time with this process's CPU time instead of wall time (for a busy machine)")
    args = parser.parse_args(argv)
    out = print
    global clock
    if args.cpu_time:
        clock = time.process_time

    t0 = clock()
    cities = [synthetic_city(i, seed=args.seed, years=args.years, target_level=args.level).serialize(format="turtle")
              for i in range(args.cities)]
    generated = clock() - t0

    t0 = clock()
    engine = engine_for(None)
    built = clock() - t0
    captured = {}
    validate = engine.shapes.validate

    def capturing_validate(data):  # times the pyshacl call inside assess
        t0 = clock()
        try:
            return validate(data)
        finally:
            captured["seconds"] = clock() - t0
            captured["walked"] = len(data)
    engine.shapes.validate = capturing_validate
    profiler = StepProfiler(engine) if args.profile else None
    texts = shapes_texts(engine)

    compiled = Engine(engine.name, validator="sparql")
    gc.collect()
    gc.freeze()  # as engine_for does for the shared engine: full collections skip its model
    t0 = clock()
    engine.assess(Graph().parse(ROOT / "data" / "examples" / "exampleton.ttl", format="turtle")).as_dict()
    warm_up = clock() - t0
    compiled.assess(Graph().parse(ROOT / "data" / "examples" / "exampleton.ttl", format="turtle"))
    if profiler:
        profiler.totals.clear()

    out(f"sscmm assessment benchmark: {args.cities} synthetic cities (seed {args.seed}, {args.years} years, "
        f"all 91 U4SSC KPIs), model {engine.name}; times are {'CPU' if args.cpu_time else 'wall'} time")
    out(f"generated in {generated:.2f} s; Engine() built in {ms(built)} ms; warm-up assess (Exampleton, not counted) "
        f"{ms(warm_up)} ms")
    if not args.quiet:
        out("")
        out(f"  {'city':>4} {'triples':>8} {'walked':>7} {'level':>5} {'assess ms':>10} {'+json ms':>9} "
            f"{'naive ms':>9} {'ratio':>6} {'pipeline ms':>12} {'ratio':>6} {'results':>8}  conformance")

    prepared, with_json, prepared_validation, naive, pipeline, pipeline_pairs = [], [], [], [], [], []
    triples, walked, read, read_rdflib, sparql_validated = [], [], [], [], []
    mismatches, total_results = 0, 0
    for i, text in enumerate(cities):
        t0 = clock()
        graph = parse(text, "turtle")
        read.append(clock() - t0)
        t0 = clock()
        Graph().parse(data=text, format="turtle")
        read_rdflib.append(clock() - t0)
        gc.collect()  # the comparison's garbage is the benchmark's, not (a)'s to collect
        captured.clear()
        t0 = clock()
        result = profiler.assess(graph) if profiler else engine.assess(graph)
        prepared.append(clock() - t0)
        t0 = clock()
        view = result.as_dict()
        with_json.append(prepared[-1] + clock() - t0)
        if result.input_errors:
            out(f"MISMATCH city {i}: the engine reports input errors, the city graph is not assessed: "
                f"{'; '.join(map(str, result.input_errors[:3]))}")
            mismatches += 1
            continue
        level = view["overall_level"]["order"]
        prepared_validation.append(captured["seconds"])
        t0 = clock()
        other = compiled.assess(graph)
        sparql_validated.append(clock() - t0)
        if {(f.shape, f.focus, f.value) for f in other.failures} != {(f.shape, f.focus, f.value) for f in result.failures}:
            out(f"MISMATCH city {i}: the compiled level shapes (SPARQL) fail other criteria than pyshacl")
            mismatches += 1
        del other
        walked.append(captured["walked"])

        data = whole_graph(engine.model, graph, result.derived)
        t0 = clock()
        shapes, naive_conforms, naive_report = naive_call(texts, data)
        naive.append(clock() - t0)

        ours = result_keys(result.report, engine.shapes.graph, engine.parent_shape)
        theirs = result_keys(naive_report, shapes)
        same = ours == theirs and _conforms(result.report) == naive_conforms
        piped = ""
        if i < args.pipeline_cities:
            t0 = clock()
            naive_level = naive_pipeline(engine, texts, graph)
            pipeline.append(clock() - t0)
            pipeline_pairs.append((pipeline[-1], prepared[-1]))
            same = same and naive_level == level
            piped = f"{ms(pipeline[-1]):>12} {pipeline[-1] / prepared[-1]:>5.0f}x"
            if naive_level != level:
                out(f"MISMATCH city {i}: overall level prepared {level}, naive pipeline {naive_level}")
        total_results += len(ours)
        triples.append(len(graph))
        if not args.quiet:
            out(f"  {i:>4} {len(graph):>8,} {walked[-1]:>7,} {level:>5} {ms(prepared[-1]):>10} {ms(with_json[-1]):>9} "
                f"{ms(naive[-1]):>9} {naive[-1] / prepared[-1]:>5.1f}x {piped or '-':>19} {len(ours):>8}  "
                f"{'identical' if same else 'DIFFERENT'}")
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
    out(f"triples per city: min {min(triples):,}, median {int(statistics.median(triples)):,}, max {max(triples):,}; "
        f"pyshacl walks a median {int(statistics.median(walked)):,} of them and the derived facts")
    out("")
    out(f"  {'per city':<46} {'p50 ms':>10} {'p95 ms':>10} {'mean ms':>10}")

    def row(label, values):
        out(f"  {label:<46} {ms(percentile(values, 50)):>10} {ms(percentile(values, 95)):>10} "
            f"{ms(statistics.mean(values)):>10}")
    row("(r) read Turtle: rdfio.parse (pyoxigraph)", read)
    row("    rdflib Graph.parse, for comparison", read_rdflib)
    row("(a) prepared  engine.assess()", prepared)
    row("(a) prepared  engine.assess() + as_dict()", with_json)
    row("    of which validation (pyshacl, level shapes)", prepared_validation)
    row("(s) engine.assess(), level shapes as SPARQL", sparql_validated)
    row("(r) + (a) + as_dict(): Turtle in, JSON out", [r + a for r, a in zip(read, with_json)])
    row("(b) naive     parse shapes + pyshacl", naive)
    out(f"  {'    ratio     naive (b) / prepared (a)':<46} {p50n / p50p:>9.1f}x {p95n / p95p:>9.1f}x")
    if pipeline:
        row(f"(d) naive     rdflib pipeline ({len(pipeline)} cities)", pipeline)
        ratios = [naive_s / ours_s for naive_s, ours_s in pipeline_pairs]
        out(f"  {'    ratio     pipeline (d) / prepared (a), same cities':<46} "
            f"{percentile(ratios, 50):>9.0f}x {'(min ' + format(min(ratios), '.0f') + 'x)':>11}")
    out("")
    ok_p50 = p50p * 1000 <= TARGET_P50_MS
    ok_speed = p50n / p50p >= TARGET_SPEEDUP and p95n / p95p >= TARGET_SPEEDUP
    out("targets (issue):")
    rows = [(f"prepared p50 <= {TARGET_P50_MS:.0f} ms per city", ok_p50, f"{ms(p50p)} ms"),
            (f"prepared >= {TARGET_SPEEDUP:.0f}x faster than naive (b)", ok_speed,
             f"p50 {p50n / p50p:.1f}x, p95 {p95n / p95p:.1f}x"),
            ("identical conformance", not mismatches,
             f"{len(cities) - mismatches}/{len(cities)} cities, {total_results:,} results compared")]
    for label, ok, detail in rows:
        out(f"  {label:<42} {'met' if ok else 'NOT MET':<8} ({detail})")
    if profiler:
        profiler.report(out)
    return 1 if mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
