"""Where each KPI a publication selects stands against the city's own targets, level by
level: written with each publication, read by the store-wide reassessment (sscmm.reassess).

Comparing every target of every city's performance matrix with its latest value again on
each reassessment costs about ten look-ups a target on the embedded store (400 targets a
city: 17 s for 200 cities). These facts hold the outcome of rules 31 and 33, run as written
for every level the city's matrix sets targets at, so the reassessment reads a few
statements per KPI, against any model. In the graph
``urn:sscmm:kpi-standing:{directions}:{id}`` of publication ``id``:

- ``?kpi sscmm:selectedBy ?assessment``: the KPIs the assessment selects, and
  ``?kpi sscmm:selectedFromLevel ?level`` where its selection names one (sscmm:appliesFromLevel);
- ``?kpi sscmm:baselineIn ?assessment``: those with a baseline value (rule 20's summary);
- ``?kpi sscmm:targetsSetAt ?level``: the matrix has the KPI's targets at that level, one
  for every data point the city reports where the level's targets are per data point;
- ``?kpi sscmm:targetsMetAt ?level``: and every one of them is met.

Whether a target is met depends on the model only through the directions of KPIs and data
points (the comparator a target leaves implicit), so the graph is named by a digest of the
model's directions: a model with other directions gets graphs of its own, computed from
the stored publications the first time it is reassessed (``Store.add_missing_standing``).
"""

import hashlib
from functools import lru_cache

import pyoxigraph as ox
from rdflib.namespace import RDF

from .analysisfacts import _properties
from .namespaces import PROV, SSCMM
from .terms import to_ox

STANDING_PREFIX = "urn:sscmm:kpi-standing:"
#: The rules whose outcome the facts hold (rules/derive/), run as written.
RULES = ("31-kpi-target-checks", "33-kpi-missing-data-point-targets")

_TYPE = to_ox(RDF.type)
_KPI, _LEVEL, _DATA_POINT = to_ox(SSCMM.kpi), to_ox(SSCMM.level), to_ox(SSCMM.dataPoint)
_SELECTION, _FROM = to_ox(SSCMM.hasKPISelection), to_ox(SSCMM.appliesFromLevel)
_MATRIX, _TARGET = to_ox(SSCMM.hasPerformanceMatrix), to_ox(SSCMM.hasTarget)
_SUMMARY, _SUMMARY_OF = to_ox(SSCMM.KPIValueSummary), to_ox(SSCMM.summaryOf)
_BASELINE = to_ox(SSCMM.baselineValue)
_MET_CHECK, _STATUS = to_ox(SSCMM.MetKPICheck), to_ox(SSCMM.checkStatus)
SELECTED_BY, SELECTED_FROM, BASELINE_IN = (to_ox(SSCMM.selectedBy), to_ox(SSCMM.selectedFromLevel),
                                        to_ox(SSCMM.baselineIn))
TARGETS_SET_AT, TARGETS_MET_AT = to_ox(SSCMM.targetsSetAt), to_ox(SSCMM.targetsMetAt)
#: What rules 31 and 33 read of a result graph: the KPI value summaries (rule 20).
_SUMMARY_PREDICATES = {_TYPE, _SUMMARY_OF, _KPI, _DATA_POINT, to_ox(SSCMM.latestValue), to_ox(SSCMM.latestPeriod)}


def directions_digest(model):
    """A short digest of a model's directions (rdflib Graph): the only model data the
    standing of a KPI depends on."""
    lines = sorted(f"{s.n3()} {o.n3()}" for s, o in model.subject_objects(SSCMM.direction))
    return hashlib.md5("\n".join(lines).encode()).hexdigest()[:12]


def standing_graph(digest, assessment_id):
    return ox.NamedNode(f"{STANDING_PREFIX}{digest}:{assessment_id}")


class Standing:
    """The KPI standing of publications under one model's directions."""

    def __init__(self, engine):
        self.digest = directions_digest(engine.model)
        self.rules = [query for name, query in engine.derive_rules if name in RULES]
        if len(self.rules) != len(RULES):
            raise RuntimeError(f"rules/derive/ lacks one of {', '.join(RULES)}")
        self._directions = [ox.Quad(to_ox(s), to_ox(SSCMM.direction), to_ox(o), ox.DefaultGraph())
                            for s, o in engine.model.subject_objects(SSCMM.direction)]

    def graph(self, assessment_id):
        return standing_graph(self.digest, assessment_id)

    def facts(self, assessment, assessment_id, city_triples, result_triples):
        """The triples of the publication's standing graph (ox.Triples), from its city's
        graph and its result graph (ox.Triples); ``assessment`` a NamedNode."""
        selections = {t.object for t in city_triples if t.subject == assessment and t.predicate == _SELECTION}
        matrices = {t.object for t in city_triples if t.subject == assessment and t.predicate == _MATRIX}
        properties = _properties(city_triples, (_KPI, _LEVEL, _FROM))
        kpi_of, level_of = properties[_KPI], properties[_LEVEL]
        own_from = {s: level for s, level in properties[_FROM].items() if s in selections}
        targets = {t.object for t in city_triples if t.predicate == _TARGET and t.subject in matrices}
        selected = {kpi_of[s] for s in selections if s in kpi_of}
        levels = {(kpi_of[t], level_of[t]) for t in targets if t in kpi_of and t in level_of and kpi_of[t] in selected}
        summaries = {t.subject for t in result_triples if t.predicate == _TYPE and t.object == _SUMMARY}
        with_baseline = {t.subject for t in result_triples if t.predicate == _BASELINE and t.subject in summaries}
        baselines = {t.object for t in result_triples if t.predicate == _KPI and t.subject in with_baseline}
        graph = self.graph(assessment_id)
        found = [ox.Triple(graph, _TYPE, to_ox(PROV.Entity)), ox.Triple(graph, to_ox(PROV.wasDerivedFrom), assessment),
                 ox.Triple(graph, to_ox(SSCMM.directionsDigest), ox.Literal(self.digest))]
        found += [ox.Triple(kpi, SELECTED_BY, assessment) for kpi in selected]
        found += [ox.Triple(kpi_of[s], SELECTED_FROM, level) for s, level in own_from.items() if s in kpi_of]
        found += [ox.Triple(kpi, BASELINE_IN, assessment) for kpi in baselines & selected]
        set_at, met_at = self._target_standing(assessment, city_triples, result_triples, levels)
        found += [ox.Triple(kpi, TARGETS_SET_AT, level) for kpi, level in set_at]
        found += [ox.Triple(kpi, TARGETS_MET_AT, level) for kpi, level in met_at]
        return sorted(set(found), key=str)

    def _target_standing(self, assessment, city_triples, result_triples, levels):
        """Rules 31 and 33 as written, asked for every (KPI, level) of the matrix: the pairs
        with every target set, and those with every target met."""
        store = ox.Store()
        store.extend(self._directions)
        store.extend([ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in city_triples])
        store.extend([ox.Quad(t.subject, t.predicate, t.object, ox.DefaultGraph()) for t in result_triples
                      if t.predicate in _SUMMARY_PREDICATES])
        quads = []
        for kpi, level in levels:  # the requirements rule 25 would make, at every level with targets
            node = ox.NamedNode("urn:sscmm:derived:requirement:" + hashlib.md5(
                f"{assessment.value} {kpi.value} {level.value}".encode()).hexdigest())
            quads += [ox.Quad(node, _TYPE, to_ox(SSCMM.KPIRequirement), ox.DefaultGraph()),
                      ox.Quad(node, _SUMMARY_OF, assessment, ox.DefaultGraph()),
                      ox.Quad(node, _KPI, kpi, ox.DefaultGraph()), ox.Quad(node, _LEVEL, level, ox.DefaultGraph()),
                      ox.Quad(node, to_ox(SSCMM.kpiCriterion), to_ox(SSCMM.LevelTargetMet), ox.DefaultGraph()),
                      ox.Quad(node, to_ox(SSCMM.checksAchievement), level, ox.DefaultGraph())]
        store.extend(quads)
        checks = {}
        for query in self.rules:
            for t in store.query(query):
                checks.setdefault(t.subject, []).append(t)
        unset, unmet = set(), set()
        for triples in checks.values():
            facts = {t.predicate: t.object for t in triples if t.predicate != _TYPE}
            pair = (facts.get(_KPI), facts.get(_LEVEL))
            if any(t.predicate == _STATUS and t.object.value == "no-target" for t in triples):
                unset.add(pair)
            if not any(t.predicate == _TYPE and t.object == _MET_CHECK for t in triples):
                unmet.add(pair)
        set_at = levels - unset
        return set_at, set_at - unmet


@lru_cache(maxsize=8)
def standing_for(engine):
    """The Standing of an engine's model (its rules read once)."""
    return Standing(engine)

