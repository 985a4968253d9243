"""The derived facts of one assessment, read where the rules wrote them.

The rules write about 10k triples for a complete city (KPI value summaries, KPI checks,
level results). Converting all of them to an rdflib graph cost more than running the
rules (bench/assess.py --profile), so the result views read the facts they show with one
SELECT per kind from the assessment's own pyoxigraph store; the whole graph is converted
only when someone asks for it (the Turtle output, tests)."""

from functools import cached_property

import pyoxigraph as ox
from rdflib import Graph

from .namespaces import SSCMM
from .terms import TermMemo

#: The properties of a KPI check the result shows, as SELECT variables of the same name.
CHECK_PROPERTIES = ("kpi", "dataPoint", "level", "checkStatus", "latestValue", "latestPeriod", "comparator",
                    "targetValue", "targetMin", "targetMax")
#: The properties of a KPI value summary the result shows.
SUMMARY_PROPERTIES = ("kpi", "dataPoint", "latestValue", "latestPeriod", "baselineValue", "baselinePeriod",
                      "changeSinceBaseline")


def _select_nodes(graph_name, node_class, properties, met=False):
    """Every node of the class with the properties (one row per node when each has one
    value), and with ``met``, whether it is also an sscmm:MetKPICheck."""
    optionals = "\n".join(f"OPTIONAL {{ ?node <{SSCMM[p]}> ?{p} }}" for p in properties)
    met_flag = f"BIND (EXISTS {{ ?node a <{SSCMM.MetKPICheck}> }} AS ?met)" if met else ""
    return f"""SELECT ?node {' '.join('?' + p for p in properties)} {'?met' if met else ''} WHERE {{
    GRAPH {graph_name} {{
        ?node a <{SSCMM[node_class]}> .
        {optionals}
        {met_flag}
    }}
}}"""


class DerivedFacts:
    """The derived graph (``graph_name``) of one assessment's store, as the result reads it."""

    def __init__(self, store: ox.Store, graph_name: ox.NamedNode, terms: TermMemo):
        self._store, self._name, self._terms = store, graph_name, terms
        self._graph = None
        self._checks = self._summaries = self._levels = self._ratings = self._unmet = None

    def _one(self, query):
        rows = list(self._rows(query))
        return rows[0]["x"] if rows else None

    @cached_property
    def current(self):
        """The assessment under evaluation (sscmm:CurrentAssessment)."""
        return self._one(f"SELECT ?x WHERE {{ GRAPH {self._name} {{ ?x a <{SSCMM.CurrentAssessment}> }} }}")

    @property
    def overall_level(self):
        """The overall level attained (after the conclude rules)."""
        return self._one(f"SELECT ?x WHERE {{ GRAPH {self._name} {{ ?a a <{SSCMM.CurrentAssessment}> ; "
                         f"<{SSCMM.attainedLevel}> ?x }} }}")

    def _rows(self, query):
        solutions = self._store.query(query)
        names = [v.value for v in solutions.variables]
        for row in solutions:
            yield {name: self._terms.rdflib(row[name]) for name in names}

    def checks(self):
        """{check node: {property: term or None, "met": bool}} for every KPI check."""
        if self._checks is None:
            query = _select_nodes(self._name, "KPICheck", CHECK_PROPERTIES, met=True)
            self._checks = {}
            for row in self._rows(query):
                node = row.pop("node")
                row["met"] = bool(row["met"].toPython())
                self._checks.setdefault(node, row)
        return self._checks

    def summaries(self):
        """{(kpi, data point or None): {property: term or None}} for every KPI value summary."""
        if self._summaries is None:
            self._summaries = {}
            for row in self._rows(_select_nodes(self._name, "KPIValueSummary", SUMMARY_PROPERTIES)):
                self._summaries.setdefault((row["kpi"], row["dataPoint"]), row)
        return self._summaries

    def unmet_checks(self):
        """{level shape: [KPI check, ...]}: the unmet checks the rules link to each shape."""
        if self._unmet is None:
            self._unmet = {}
            query = f"SELECT ?shape ?check WHERE {{ GRAPH {self._name} {{ ?check <{SSCMM.unmetFor}> ?shape }} }}"
            for row in self._rows(query):
                self._unmet.setdefault(row["shape"], []).append(row["check"])
        return self._unmet

    def rating_checks(self):
        """{achievement: {"ratedShare", "ratedCount", "statementCount": term}} of the rating checks."""
        if self._ratings is None:
            query = _select_nodes(self._name, "RatingCheck",
                                  ("checksAchievement", "ratedShare", "ratedCount", "statementCount"))
            self._ratings = {}
            for row in self._rows(query):
                self._ratings.setdefault(row.pop("checksAchievement"), row)
        return self._ratings

    def attained_levels(self):
        """{aspect, dimension or sub-dimension: the level attained}."""
        if self._levels is None:
            query = f"""SELECT ?subject ?level WHERE {{ GRAPH {self._name} {{
                ?a <{SSCMM.hasLevelResult}> ?r . ?r <{SSCMM.resultFor}> ?subject ; <{SSCMM.attainedLevel}> ?level }} }}"""
            self._levels = {}
            for row in self._rows(query):
                self._levels.setdefault(row["subject"], row["level"])
        return self._levels

    def graph(self) -> Graph:
        """All the derived facts as an rdflib graph (converted on first use)."""
        if self._graph is None:
            self._graph = Graph()
            add = self._graph.store.add
            for quad in self._store.quads_for_pattern(None, None, None, self._name):
                add((self._terms.rdflib(quad.subject), self._terms.rdflib(quad.predicate), self._terms.rdflib(quad.object)),
                    self._graph, quoted=False)
        return self._graph
