"""Reassessing every published city at once, inside the store (``sscmm reassess``,
``POST /reassess``).

The per-city path (sscmm.engine) runs the rules and pyshacl on one city's graph at a time:
about a quarter of a second a city. Here the store answers a few queries over every
publication together, and writes each publication's levels and failed criteria into its
reassessment graph ``urn:sscmm:reassessment:{model}:{id}``, which ``GET /analysis/levels``
reads before the result stored at publication.

What the store reads, per publication (``urn:sscmm:assessment:{id}``, scoped by its
catalogue record; the published assessment is the one under evaluation):

- the KPI performance criteria: each publication's KPI standing (sscmm.kpistanding,
  written at publication: the selected KPIs, their baselines, the levels whose targets
  are all set and met), with the model's levels, KPI mapping and achievements written into
  the query as VALUES (``Reassessment._unmet_shapes``: rules 25 and 30-33). Which level
  shapes an unmet check fails is rule 35's answer for each KPI and achievement, worked out
  once when the model is compiled (``_link_table``);
- the goal coverage (rule 40) and the statement ratings (rule 50);
- every level shape, compiled to SPARQL by sscmm.levelsparql with the publication's graph
  as scope: the property shapes that read the city's graph run in the store, those that
  read derived facts (the predicates the rules construct) run in a small in-memory store
  of the facts above.

Levels follow rules 60 and 70: per aspect, dimension and sub-dimension the highest level
below the first failed criterion; overall the lowest aspect level.

pyshacl stays the reference: tests/test_reassess.py requires the same levels and failed
criteria as the per-city path for the example cities, generated cities with gaps and a
city published twice, on both shipped models and on models with a changed mapping or changed
directions.
"""

import hashlib
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import lru_cache
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS, SH, SKOS
from rdflib.plugins.sparql import prepareQuery

from .coresparql import UnsupportedShape, _n3
from .engine import RULES_DIR, _path_predicates, engine_for
from .kpistanding import standing_for
from .levelsparql import _Compiler
from .model import ModelError, find_model
from .namespaces import DCTERMS, FOAF, PROV, SSCMM, XSD
from .result import _label
from .store import CATALOGUE_GRAPH, MODEL_GRAPH, PREFIX_IRIS
from .terms import to_ox

REASSESSMENT_PREFIX = "urn:sscmm:reassessment:"
_CURRENT = SSCMM.CurrentAssessment
#: Store queries run at a time: pyoxigraph runs a query without holding the GIL, and a
#: SPARQL server answers requests in parallel (2 threads: 1,000 cities' criteria 2.5 s -> 1.5 s).
THREADS = min(4, os.cpu_count() or 1)
#: The derived predicates the level shapes may read that the reassessment produces.
_DERIVED_HERE = {SSCMM.kpiWithoutTarget, SSCMM.uncoveredDimension, SSCMM.unmetFor, SSCMM.countsFor,
                 SSCMM.ratedShare}

#: What a property shape that asks for no value at all may say besides.
_ASKS_NONE = {SH.path, SH.maxCount, SH.message, SH.name, SH.description, SH.severity, SH.order, SH.group}


def reassessment_graph(model_name, assessment_id):
    return ox.NamedNode(f"{REASSESSMENT_PREFIX}{model_name}:{assessment_id}")


def _derived_predicates():
    """The predicates the rules construct (rdf:type aside): what a level shape reads from
    derived facts rather than from the city's graph."""
    return {p for path in sorted(Path(RULES_DIR).glob("*/*.rq"))
            for _s, p, _o in prepareQuery(path.read_text(encoding="utf-8")).algebra["template"]} - {RDF.type}


def _values(variables, rows):
    """A VALUES block (rows of rdflib terms; None is UNDEF)."""
    body = " ".join("(" + " ".join(_n3(t) if t is not None else "UNDEF" for t in row) + ")" for row in sorted(set(rows)))
    return f"VALUES ({' '.join('?' + v for v in variables)}) {{ {body} }}"


def _scope(only):
    """The publications to reassess: ?scope (the city's graph, its catalogue record), ?a
    (its assessment) and ?id."""
    return f"""GRAPH <{CATALOGUE_GRAPH.value}> {{ ?scope dcterms:identifier ?id ; foaf:primaryTopic ?a }} {only}"""


@dataclass
class Outcome:
    """One publication reassessed."""

    id: str
    assessment: str
    failed: set = field(default_factory=set)  # level shapes (IRIs, str)
    levels: dict = field(default_factory=dict)  # aspect / dimension / sub-dimension IRI -> level IRI
    overall: str | None = None


class Reassessment:
    """The store-wide queries of one Engine's model, compiled once."""

    def __init__(self, engine):
        self.engine = engine
        model, shapes, m = engine.model, engine.level_shapes, URIRef(engine.model_iri)
        self.model, self.shapes, self.model_iri = model, shapes, m
        self.derived_predicates = _derived_predicates()
        self.level_order = {lvl: int(o) for lvl, o in model.subject_objects(SSCMM.levelOrder)}
        self.model_levels = {lvl: o for lvl, o in self.level_order.items() if (lvl, SSCMM.inModel, m) in model}
        kpi_achievements = [(a, k, lvl) for a in model.subjects(SSCMM.inModel, m)
                            for k in model.objects(a, SSCMM.kpiCriterion) for lvl in model.objects(a, SSCMM.level)]
        self.first = min((self.level_order[lvl] for _a, _k, lvl in kpi_achievements), default=None)
        self.kpi_achievements = [(a, k, lvl, self.level_order[lvl]) for a, k, lvl in kpi_achievements]
        self.mapped = [(k, self.level_order[lvl]) for mp in model.subjects(RDF.type, SSCMM.KPILevelMapping)
                       if (mp, SSCMM.inModel, m) in model
                       for k in model.objects(mp, SSCMM.kpi) for lvl in model.objects(mp, SSCMM.defaultApplicableLevel)]
        self.aspects = {a for a in model.subjects(SSCMM.inModel, m) if self._is_aspect(a)}
        roll_up_subjects = {o for s in shapes.subjects(RDF.type, SH.NodeShape)
                            for o in (*shapes.objects(s, SSCMM.dimension), *shapes.objects(s, SSCMM.subDimension))}
        self.kpi_subjects = [(k, d) for p in (SSCMM.dimension, SSCMM.subDimension)
                             for k, d in model.subject_objects(p) if d in roll_up_subjects]
        catalogues = set(model.objects(m, SSCMM.usesCatalogue))
        self.catalogue_dimensions = [d for d in model.subjects(RDF.type, SSCMM.KPIDimension)
                                     if any((d, SKOS.inScheme, c) in model for c in catalogues)]
        self.shape_facts = {s: (shapes.value(s, SSCMM.level), shapes.value(s, SSCMM.aspect),
                                shapes.value(s, SSCMM.dimension) or shapes.value(s, SSCMM.subDimension))
                            for s in shapes.subjects(RDF.type, SH.NodeShape) if isinstance(s, URIRef)}
        self._ratings(model, m)
        self.city_queries, self.derived_query = self._compile_criteria()
        self._model_quads = [ox.Quad(q.subject, q.predicate, q.object, MODEL_GRAPH) for q in engine._model_quads]
        self.standing = standing_for(engine)
        self.kpi_groups, self.links = self._link_table(engine)

    def _link_table(self, engine):
        """Rule 35, as written, over one unmet check per KPI of the model (and one of a KPI
        it does not know: a city's own) and KPI performance achievement: the shapes an unmet
        check of that KPI and achievement fails. KPIs that fail the same shapes share a
        group (0: as a KPI of the city's own), so the store returns a row per group, not
        per KPI. (?kpi ?group) and (?group ?achievement ?shape) rows."""
        store = ox.Store()
        store.extend(engine._model_quads)
        own = ox.NamedNode("urn:sscmm:derived:kpi-of-the-city")
        kpis = [to_ox(k) for k in sorted({k for p in (SSCMM.dimension, SSCMM.subDimension)
                                          for k in self.model.subjects(p, None)
                                          if (k, RDF.type, SSCMM.KPI) in self.model})] + [own]
        checks = {}
        for kpi in kpis:
            for achievement, _kind, _level, _order in self.kpi_achievements:
                check = ox.NamedNode(f"urn:sscmm:derived:check:{len(checks)}")
                checks[check] = (kpi, to_ox(achievement))
                store.extend([ox.Quad(check, to_ox(RDF.type), to_ox(SSCMM.KPICheck), ox.DefaultGraph()),
                              ox.Quad(check, to_ox(SSCMM.kpi), kpi, ox.DefaultGraph()),
                              ox.Quad(check, to_ox(SSCMM.checksAchievement), to_ox(achievement), ox.DefaultGraph())])
        rule_35 = (RULES_DIR / "derive" / "35-kpi-unmet-links.rq").read_text(encoding="utf-8")
        fails = {kpi: set() for kpi in kpis}
        for t in store.query(rule_35, use_default_graph_as_union=True):
            kpi, achievement = checks[t.subject]
            fails[kpi].add((URIRef(achievement.value), URIRef(t.object.value)))
        groups = {frozenset(fails[own]): 0}
        for kpi in kpis:
            groups.setdefault(frozenset(fails[kpi]), len(groups))
        kpi_groups = [(URIRef(k.value), _int(groups[frozenset(fails[k])])) for k in kpis
                      if k != own and groups[frozenset(fails[k])] != 0]
        links = [(_int(g), a, shape) for signature, g in groups.items() for a, shape in signature]
        return kpi_groups, links

    def _is_aspect(self, node):
        """An achievement aspect, as rule 60 reads it: typed with a subclass of sscmm:AchievementAspect."""
        return any(SSCMM.AchievementAspect in set(self.model.transitive_objects(t, RDFS.subClassOf))
                   for t in self.model.objects(node, RDF.type))

    def _ratings(self, model, m):
        self.rated = []  # (achievement, minimum scale order, statement count)
        self.statements = []  # (statement, achievement)
        scale = {r: int(o) for r, o in model.subject_objects(SSCMM.scaleOrder)}
        self.scale = list(scale.items())
        for a in model.subjects(SSCMM.inModel, m):
            minimum, aspect = model.value(a, SSCMM.minimumRating), model.value(a, SSCMM.aspect)
            if minimum is None or aspect is None or minimum not in scale:
                continue
            statements = {s for s in model.subjects(SSCMM.aspect, aspect)
                          if (s, RDF.type, SSCMM.GoodPracticeStatement) in model}
            self.rated.append((a, scale[minimum], len(statements)))
            self.statements += [(s, a) for s in statements]

    # -- the level shapes, compiled with the publication as scope -------------------------

    def _branch_predicates(self, node, seen=None):
        """The predicates on the paths a property (or node) shape reads, nested shapes included."""
        seen = seen if seen is not None else set()
        if node in seen:
            return set()
        seen.add(node)
        found = set()
        for path in self.shapes.objects(node, SH.path):
            found |= set(_path_predicates(self.shapes, path))
        for key in (SH.node, SH.qualifiedValueShape, SH.property):
            for inner in self.shapes.objects(node, key):
                found |= self._branch_predicates(inner, seen)
        return found

    def _asks_none(self, node):
        """Whether a property shape asks only that its path have no value (sh:maxCount 0)."""
        return (node, SH.maxCount, Literal(0)) in self.shapes and set(self.shapes.predicates(node)) <= _ASKS_NONE

    def _focus(self, shape):
        """Binds ?scope and ?this: the publications, and the shape's focus node in each."""
        classes = set(self.shapes.objects(shape, SH.targetClass))
        nodes = list(self.shapes.objects(shape, SH.targetNode))
        if classes - {_CURRENT} or (classes and nodes) or not (classes or nodes):
            raise UnsupportedShape(f"{shape}: the store-wide reassessment compiles shapes that target the "
                                   "assessment under evaluation or name their focus nodes")
        scope = f"GRAPH <{CATALOGUE_GRAPH.value}> {{ ?scope dcterms:identifier ?id ; foaf:primaryTopic ?assessment }} $ONLY"
        if classes:
            return f"{scope} BIND (?assessment AS ?this)"
        return f"{scope} VALUES ?this {{ {' '.join(_n3(n) for n in nodes)} }}"

    def _compile_criteria(self):
        """SELECTs of (?scope, ?shape): one per shape of the violations read from the cities'
        graphs (one SELECT of them all took the store 4.4 s at 1,000 cities, one per shape
        2.5 s in all), and one of those read from the derived facts."""
        compiler = _Compiler(self.shapes, scope="?scope", model_graph=MODEL_GRAPH.value)
        city, derived = {}, []
        for shape in sorted(self.shape_facts):
            if not compiler._active(shape):
                continue
            focus = self._focus(shape)
            for pattern, _value, source in compiler.named_violations(shape):
                predicates = self._branch_predicates(source) if source != shape else set()
                reads_derived = predicates & self.derived_predicates
                if reads_derived and predicates - self.derived_predicates:
                    raise UnsupportedShape(f"{source} of {shape} reads both the city's graph and derived facts")
                if SSCMM.unmetFor in predicates and not self._asks_none(source):
                    raise UnsupportedShape(f"{source} of {shape} asks more of sscmm:unmetFor than that there be "
                                           "none (sh:maxCount 0): the reassessment keeps one unmet check per "
                                           "shape and publication")
                branch = f"{{ {focus} {pattern} BIND ({_n3(shape)} AS ?shape) }}"
                if reads_derived:
                    derived.append(branch)
                else:
                    city.setdefault(shape, []).append(branch)
        unknown = set().union(*(self._branch_predicates(s) for s in self.shape_facts)) & self.derived_predicates
        unknown -= _DERIVED_HERE
        if unknown:
            raise UnsupportedShape(f"the level shapes read {', '.join(sorted(unknown))}, which the store-wide "
                                   "reassessment does not derive")

        def select(branches):
            body = "\n UNION ".join(branches) if branches else "FILTER (false)"
            return f"SELECT DISTINCT ?scope ?shape WHERE {{\n {body}\n}}"
        return [select(branches) for _shape, branches in sorted(city.items())], select(derived)

    # -- the derivations, over every publication -----------------------------------------

    def _selected(self, only):
        """?scope ?a ?g ?kpi ?from: each KPI a publication selects, read from its standing
        graph ``?g`` under the model's directions, and the order of the first level its
        targets are asked at (rule 25: the city's own, else the model's mapping, else the
        first level with a KPI performance achievement). Scans of one predicate, joined by
        hash on stored terms: joined on an IRI the query computes, oxigraph took 40 µs a row."""
        first = self.first if self.first is not None else 0
        return f"""
        {{ SELECT ?scope ?a WHERE {{ {_scope(only)} }} }}
        {{ SELECT ?g ?a WHERE {{ GRAPH ?g {{ ?g sscmm:directionsDigest "{self.standing.digest}" ; prov:wasDerivedFrom ?a }} }} }}
        {{ SELECT ?g ?kpi WHERE {{ GRAPH ?g {{ ?kpi sscmm:selectedBy ?selector }} }} }}
        OPTIONAL {{
            SELECT ?g ?kpi ?ownFrom WHERE {{
                GRAPH ?g {{ ?kpi sscmm:selectedFromLevel ?own }}
                {_values(("own", "ownFrom"), [(lvl, _int(o)) for lvl, o in self.level_order.items()])}
            }}
        }}
        OPTIONAL {{ {_values(("kpi", "mappedFrom"), [(k, _int(o)) for k, o in self.mapped])} }}
        BIND (COALESCE(?ownFrom, ?mappedFrom, {first}) AS ?from)"""

    def _unmet_shapes(self, only):
        """The KPI performance shapes with an unmet check (rules 25, 30-33 and 35):
        ?scope ?shape. A check is unmet when the KPI has no baseline value, or its targets
        at the achievement's level are not all set and met (sscmm:targetsMetAt)."""
        if not self.kpi_achievements or not self.links:
            return None
        achievements = _values(("achievement", "kind", "level", "order"),
                               [(a, k, lvl, _int(o)) for a, k, lvl, o in self.kpi_achievements])
        return f"""
SELECT DISTINCT ?scope ?shape WHERE {{
    {{
        SELECT DISTINCT ?scope ?group ?achievement WHERE {{
            {self._selected(only)}
            {achievements}
            FILTER (?kind = sscmm:BaselineCollected || ?order >= ?from)
            MINUS {{ SELECT ?g ?kpi ?level (sscmm:LevelTargetMet AS ?kind) WHERE {{ GRAPH ?g {{ ?kpi sscmm:targetsMetAt ?level }} }} }}
            MINUS {{ SELECT ?g ?kpi (sscmm:BaselineCollected AS ?kind) WHERE {{ GRAPH ?g {{ ?kpi sscmm:baselineIn ?assessment }} }} }}
            OPTIONAL {{ {_values(("kpi", "known"), self.kpi_groups)} }}
            BIND (COALESCE(?known, 0) AS ?group)
        }}
    }}
    {_values(("group", "achievement", "shape"), self.links)}
}}"""

    def _without_targets(self, only):
        """Rules 32 and 33: ?scope ?a ?kpi, a selected KPI without a target at a level whose
        achievement asks for one (sscmm:kpiWithoutTarget)."""
        levels = [(lvl, _int(o)) for _a, k, lvl, o in self.kpi_achievements if k == SSCMM.LevelTargetMet]
        if not levels:
            return None
        return f"""
SELECT DISTINCT ?scope ?a ?kpi WHERE {{
    {self._selected(only)}
    {_values(("level", "order"), levels)}
    FILTER (?order >= ?from)
    MINUS {{ SELECT ?g ?kpi ?level WHERE {{ GRAPH ?g {{ ?kpi sscmm:targetsSetAt ?level }} }} }}
}}"""

    def _checked_subjects(self, only):
        """Rule 60's dimensions and sub-dimensions with a level: those of a KPI with a check
        (a baseline is asked of every selected KPI; a target from its first level on)."""
        if not self.kpi_achievements or not self.kpi_subjects:
            return None
        baseline = any(k == SSCMM.BaselineCollected for _a, k, _l, _o in self.kpi_achievements)
        last = max((o for _a, k, _l, o in self.kpi_achievements if k == SSCMM.LevelTargetMet), default=-1)
        return f"""
SELECT DISTINCT ?scope ?subject WHERE {{
    {self._selected(only)}
    FILTER ({"true" if baseline else "false"} || ?from <= {last})
    {_values(("kpi", "subject"), self.kpi_subjects)}
}}"""

    def _uncovered(self, only):
        """Rule 40: the catalogue's dimensions no goal of the city's strategy covers."""
        if not self.catalogue_dimensions:
            return None
        return f"""
SELECT DISTINCT ?scope ?a ?dimension WHERE {{
    {_scope(only)}
    GRAPH ?scope {{ ?a sscmm:forCity ?city . ?city sscmm:hasStrategy ?strategy }}
    {_values(("dimension",), [(d,) for d in self.catalogue_dimensions])}
    FILTER NOT EXISTS {{ GRAPH ?scope {{ ?city sscmm:hasStrategy/sscmm:hasGoal/sscmm:coversDimension ?dimension }} }}
}}"""

    def _rating_shares(self, only):
        """Rule 50: the share of an achievement's statements the city rates high enough."""
        if not self.rated:
            return None
        return f"""
SELECT ?scope ?a ?achievement ?share WHERE {{
    {{
        SELECT ?scope ?a ?achievement (COUNT(DISTINCT ?reached) AS ?rated) WHERE {{
            {_scope(only)}
            {_values(("achievement", "minimum"), [(a, _int(o)) for a, o, _n in self.rated])}
            OPTIONAL {{
                GRAPH ?scope {{ ?a sscmm:hasRating ?rating . ?rating sscmm:statement ?reached ; sscmm:asIsRating ?given }}
                {_values(("reached", "achievement"), self.statements)}
                {_values(("given", "order"), [(r, _int(o)) for r, o in self.scale])}
                FILTER (?order >= ?minimum)
            }}
        }} GROUP BY ?scope ?a ?achievement
    }}
    {_values(("achievement", "total"), [(a, _int(n)) for a, _o, n in self.rated])}
    BIND (IF(?total > 0, ?rated / ?total, 0.0) AS ?share)
}}"""

    # -- running --------------------------------------------------------------------------

    def run(self, store, ids=None, progress=None):
        """{id: Outcome} of the publications (all, or those ids) against the engine's model."""
        only = _values(("id",), [(Literal(i),) for i in ids]) if ids is not None else ""
        say = progress or (lambda _message: None)
        rows = store.select(f"SELECT ?scope ?id ?a WHERE {{ {_scope(only)} }}")
        outcomes = {row["scope"]: Outcome(row["id"].value, row["a"].value) for row in rows}
        if not outcomes:
            return {}
        derived = ox.Store()
        derived.extend(self._model_quads)
        quads = []
        for scope, outcome in outcomes.items():
            a = ox.NamedNode(outcome.assessment)
            quads += [ox.Quad(a, to_ox(RDF.type), to_ox(_CURRENT), scope),
                      ox.Quad(a, to_ox(SSCMM.assessedAgainst), to_ox(self.model_iri), scope),
                      ox.Quad(scope, to_ox(DCTERMS.identifier), ox.Literal(outcome.id), CATALOGUE_GRAPH),
                      ox.Quad(scope, to_ox(FOAF.primaryTopic), a, CATALOGUE_GRAPH)]
        started = time.perf_counter()
        written = store.add_missing_standing(self.standing, ids, say)
        if written:
            say(f"KPI standing written for {written} publications: {time.perf_counter() - started:.2f} s")
            started = time.perf_counter()
        derivations = {"unmet": self._unmet_shapes(only), "without targets": self._without_targets(only),
                       "checked": self._checked_subjects(only), "uncovered": self._uncovered(only),
                       "ratings": self._rating_shares(only)}
        derivations = {name: query for name, query in derivations.items() if query is not None}
        queries = [*derivations.values(), *(q.replace("$ONLY", only) for q in self.city_queries)]
        with ThreadPoolExecutor(THREADS) as pool:  # independent; the stores answer them in parallel
            solutions = list(pool.map(store.select, queries))
        say(f"{len(queries)} store queries ({THREADS} at a time): {time.perf_counter() - started:.2f} s")
        answers = dict(zip(derivations, solutions))
        # one unmet check per shape and publication: the level shapes ask there be none
        for row in answers.get("unmet", ()):
            check = ox.NamedNode("urn:sscmm:derived:check:" + hashlib.md5(
                f"{row['scope'].value} {row['shape'].value}".encode()).hexdigest())
            quads.append(ox.Quad(check, to_ox(SSCMM.unmetFor), row["shape"], row["scope"]))
        quads += [ox.Quad(row["a"], to_ox(SSCMM.kpiWithoutTarget), row["kpi"], row["scope"])
                  for row in answers.get("without targets", ())]
        checked = {}
        for row in answers.get("checked", ()):
            checked.setdefault(row["scope"], set()).add(row["subject"].value)
        quads += [ox.Quad(row["a"], to_ox(SSCMM.uncoveredDimension), row["dimension"], row["scope"])
                  for row in answers.get("uncovered", ())]
        for row in answers.get("ratings", ()):
            a, achievement = row["a"], row["achievement"]
            check = ox.NamedNode("urn:sscmm:derived:rating:" + hashlib.md5(
                f"{a.value} {achievement.value}".encode()).hexdigest())
            quads += [ox.Quad(check, to_ox(RDF.type), to_ox(SSCMM.RatingCheck), row["scope"]),
                      ox.Quad(check, to_ox(SSCMM.ratedShare), row["share"], row["scope"])]
            quads += [ox.Quad(check, to_ox(SSCMM.countsFor), to_ox(shape), row["scope"])
                      for shape in self.shapes.subjects(SSCMM.checksAchievement, URIRef(achievement.value))
                      if (shape, RDF.type, SH.NodeShape) in self.shapes]
        for rows in solutions[len(derivations):]:
            for row in rows:
                outcomes[row["scope"]].failed.add(row["shape"].value)
        derived.extend(quads)
        text = self.derived_query.replace("$ONLY", only)
        for row in derived.query(text, prefixes=PREFIX_IRIS):
            outcomes[row["scope"]].failed.add(row["shape"].value)
        say(f"criteria: {time.perf_counter() - started:.2f} s")
        for scope, outcome in outcomes.items():
            self._conclude(outcome, checked.get(scope, set()))
        return {o.id: o for o in outcomes.values()}

    def _conclude(self, outcome, checked_subjects):
        """Rules 60 and 70: the highest level below the first failed criterion, per aspect,
        dimension and sub-dimension; overall the lowest aspect level."""
        first_failed = {}
        for shape in outcome.failed:
            level, aspect, roll_up = self.shape_facts[URIRef(shape)]
            subject = roll_up if roll_up is not None else aspect
            order = self.level_order[level]
            first_failed[subject] = min(order, first_failed.get(subject, order))
        by_order = {o: lvl for lvl, o in self.model_levels.items()}
        subjects = set(self.aspects) | {URIRef(s) for s in checked_subjects}
        for subject in subjects:
            below = [o for o in by_order if subject not in first_failed or o < first_failed[subject]]
            if below:
                outcome.levels[str(subject)] = str(by_order[max(below)])
        aspect_orders = [self.model_levels[URIRef(outcome.levels[str(a)])] for a in self.aspects
                         if str(a) in outcome.levels]
        if aspect_orders:
            outcome.overall = str(by_order[min(aspect_orders)])

    def triples(self, outcome, when):
        """The reassessment graph of one publication: its levels and failed criteria, with PROV."""
        a, model = ox.NamedNode(outcome.assessment), to_ox(self.model_iri)
        graph = reassessment_graph(self.engine.name, outcome.id)
        found = [ox.Triple(a, to_ox(SSCMM.assessedAgainst), model),
                 ox.Triple(graph, to_ox(RDF.type), to_ox(PROV.Entity)),
                 ox.Triple(graph, to_ox(PROV.generatedAtTime), ox.Literal(when, datatype=to_ox(XSD.dateTime))),
                 ox.Triple(graph, to_ox(PROV.wasDerivedFrom), ox.NamedNode(f"urn:sscmm:assessment:{outcome.id}")),
                 ox.Triple(graph, to_ox(PROV.wasDerivedFrom), model)]
        if outcome.overall is not None:
            found.append(ox.Triple(a, to_ox(SSCMM.attainedLevel), ox.NamedNode(outcome.overall)))
        for subject, level in sorted(outcome.levels.items()):
            result = ox.NamedNode("urn:sscmm:derived:level:" + hashlib.md5(f"{outcome.assessment} {subject}".encode()).hexdigest())
            found += [ox.Triple(a, to_ox(SSCMM.hasLevelResult), result),
                      ox.Triple(result, to_ox(RDF.type), to_ox(SSCMM.LevelResult)),
                      ox.Triple(result, to_ox(SSCMM.resultFor), ox.NamedNode(subject)),
                      ox.Triple(result, to_ox(SSCMM.attainedLevel), ox.NamedNode(level))]
        found += [ox.Triple(a, to_ox(SSCMM.failsCriterion), ox.NamedNode(s)) for s in sorted(outcome.failed)]
        return found


def _int(value):
    return Literal(int(value))


def reassess(store, compiled, ids=None, progress=None):
    """Reassess the publications (all, or those ids) with a compiled Reassessment and replace
    each one's reassessment graph; {id: Outcome}."""
    outcomes = compiled.run(store, ids, progress)
    when = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    name = compiled.engine.name
    store.replace_triples({reassessment_graph(name, o.id): compiled.triples(o, when) for o in outcomes.values()})
    return outcomes


class ReassessError(ValueError):
    """A reassessment that cannot run as asked."""


class UnknownModel(ReassessError):
    """No model has that short name."""


class NotPublished(ReassessError):
    """A city named has no published assessment."""


@lru_cache(maxsize=8)
def compiled_for(engine):
    """The Reassessment of an engine's model, compiled on first use."""
    return Reassessment(engine)


def _ids_of_cities(store, cities):
    """The publication ids of those cities (IRIs); a ReassessError names a city with none."""
    rows = store.select(f"""SELECT ?id ?city WHERE {{
        GRAPH <{CATALOGUE_GRAPH.value}> {{ ?record dcterms:identifier ?id ; dcterms:spatial ?city }}
        {_values(("city",), [(URIRef(c),) for c in cities])} }}""")
    found = {row["city"].value for row in rows}
    missing = [c for c in cities if c not in found]
    if missing:
        raise NotPublished(f"no published assessment of {', '.join(missing)}")
    return sorted({row["id"].value for row in rows})


def reassess_store(services, model=None, cities=None, progress=None):
    """``sscmm reassess`` and ``POST /reassess``: reassess the publications of every city
    (or of ``cities``) against a model (short name; default the service's) and store the
    results; a summary (dict) of what was done."""
    try:
        find_model(services.engine.model, model)
    except ModelError as err:
        raise UnknownModel(str(err)) from None
    engine = services.engine if model is None else engine_for(model)
    store = services.store
    started = time.perf_counter()
    ids = _ids_of_cities(store, cities) if cities else None
    compiled = compiled_for(engine)
    outcomes = reassess(store, compiled, ids, progress)
    seconds = time.perf_counter() - started
    rows = []
    for outcome in sorted(outcomes.values(), key=lambda o: o.id):
        level = URIRef(outcome.overall) if outcome.overall else None
        rows.append({"id": outcome.id, "assessment": outcome.assessment, "link": f"/assessments/{outcome.id}",
                     "overall_level": {"iri": outcome.overall, "name": _label(engine.names, level) if level else None,
                                       "order": compiled.level_order.get(level)},
                     "failed_criteria": len(outcome.failed)})
    cities_done = store.select(f"""SELECT (COUNT(DISTINCT ?city) AS ?n) WHERE {{
        GRAPH <{CATALOGUE_GRAPH.value}> {{ ?record dcterms:identifier ?id ; dcterms:spatial ?city }}
        {_values(("id",), [(Literal(o),) for o in outcomes])} }}""") if outcomes else []
    return {"model": {"iri": str(engine.model_iri), "name": engine.name, "version": engine.version},
            "reassessed": len(outcomes), "cities": int(cities_done[0]["n"].value) if cities_done else 0,
            "seconds": round(seconds, 3), "assessments": rows}
