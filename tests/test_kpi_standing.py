"""The KPI standing written with each publication (sscmm.kpistanding) holds what rules 31-33
conclude per KPI and level in the per-city path: for every check the per-city path makes
of a KPI's targets at a level, the level is in ``sscmm:targetsMetAt`` exactly when every
such check is met, and in ``sscmm:targetsSetAt`` exactly when none says a target is
missing. Over the example cities and generated cities with gaps; and the directions the
comparisons follow name the graph."""

import random

import pyoxigraph as ox
import pytest
from rdflib import Graph
from rdflib.namespace import RDF
from sscmm.engine import Engine, engine_for
from sscmm.kpistanding import (BASELINE_IN, SELECTED_BY, TARGETS_MET_AT, TARGETS_SET_AT, Standing,
                               directions_digest)
from sscmm.namespaces import SSCMM
from sscmm.store import oxigraph_triples
from sscmm.terms import to_ox

from .service_support import example
from .test_examples import EXPECTED
from .test_level_sparql import _with_gaps, synthetic_city_turtle


def _cities():
    cities = {name: Graph().parse(data=example(name), format="turtle") for name in sorted(EXPECTED)}
    for index in range(3):
        rng = random.Random(f"standing:{index}")
        cities[f"generated-{index}"] = _with_gaps(synthetic_city_turtle(index, seed=5, years=2), rng, share=0.05)
    return cities


def _standing(engine, graph, assessment_id="test"):
    """(the standing facts, the per-city result) of one city."""
    result = engine.assess(graph)
    assert result.valid, result.input_errors[:3]
    assessment = ox.NamedNode(result.as_dict()["assessment"]["iri"])
    facts = Standing(engine).facts(assessment, assessment_id, oxigraph_triples(graph), oxigraph_triples(result.to_graph()))
    return facts, result


def _per_city_checks(engine, result):
    """{(kpi, level): (every check met, none says a target is missing)} of the per-city
    path's target checks (the achievements asking the city's targets be met)."""
    derived, found = result.derived, {}
    for check in derived.subjects(RDF.type, SSCMM.KPICheck):
        achievement = derived.value(check, SSCMM.checksAchievement)
        if (achievement, SSCMM.kpiCriterion, SSCMM.LevelTargetMet) not in engine.model:
            continue
        key = (to_ox(derived.value(check, SSCMM.kpi)), to_ox(derived.value(check, SSCMM.level)))
        met = (check, RDF.type, SSCMM.MetKPICheck) in derived
        missing = derived.value(check, SSCMM.checkStatus) is not None and str(
            derived.value(check, SSCMM.checkStatus)) == "no-target"
        was_met, was_set = found.get(key, (True, True))
        found[key] = (was_met and met, was_set and not missing)
    return found


def test_the_standing_agrees_with_the_per_city_checks():
    engine = engine_for("y4904")
    seen = {"met": 0, "unmet": 0, "unset": 0}
    for name, graph in _cities().items():
        facts, result = _standing(engine, graph)
        met = {(t.subject, t.object) for t in facts if t.predicate == TARGETS_MET_AT}
        set_at = {(t.subject, t.object) for t in facts if t.predicate == TARGETS_SET_AT}
        assert met <= set_at, name
        for key, (all_met, all_set) in _per_city_checks(engine, result).items():
            assert (key in met) == all_met, (name, key)
            assert (key in set_at) == all_set, (name, key)
            seen["met" if all_met else "unmet" if all_set else "unset"] += 1
        selected = {t.subject for t in facts if t.predicate == SELECTED_BY}
        assert {t.subject for t in facts if t.predicate == BASELINE_IN} <= selected, name
        assert {k for k, _level in set_at} <= selected, name
    assert all(seen.values()), seen  # the cities exercise every outcome


def test_the_directions_name_the_graph_and_change_the_standing(ontology_copy):
    """Lower-is-better read as higher-is-better: another digest, and targets met before are
    not met now (or the other way round)."""
    kpis = ontology_copy / "u4ssc-kpis.ttl"
    text = kpis.read_text(encoding="utf-8")
    assert "sscmm:LowerIsBetter" in text
    kpis.write_text(text.replace("sscmm:LowerIsBetter", "sscmm:HigherIsBetter"), encoding="utf-8")
    flipped = Engine("y4904", paths=sorted(ontology_copy.glob("*.ttl")))
    shipped = engine_for("y4904")
    assert directions_digest(flipped.model) != directions_digest(shipped.model)
    assert Standing(flipped).graph("x") != Standing(shipped).graph("x")
    graph = Graph().parse(data=example("karmoy.ttl"), format="turtle")
    before, _ = _standing(shipped, graph)
    after, _ = _standing(flipped, graph)
    met = lambda facts: {(t.subject, t.object) for t in facts if t.predicate == TARGETS_MET_AT}  # noqa: E731
    assert met(before) != met(after)


@pytest.mark.parametrize("name", ["ostervik.ttl", "karmoy.ttl"])
def test_the_standing_is_written_with_each_publication(name, tmp_path):
    from .conftest import make_app

    app = make_app(tmp_path / "data")
    services = app.extensions["sscmm"]
    try:
        graph = Graph().parse(data=example(name), format="turtle")
        result = services.engine.assess(graph)
        record = services.store.publish(oxigraph_triples(graph), result)
        stored = services.store.graph_triples(Standing(services.engine).graph(record.id))
        expected, _ = _standing(services.engine, graph, record.id)
        assert sorted(map(str, stored)) == sorted(map(str, expected))
        assert services.store.add_missing_standing(Standing(services.engine)) == 0
    finally:
        services.close()
