"""The level shapes are generated from the model data and the criteria source, never
written twice: the committed file is fresh, and each shape carries the model's texts."""

import pytest
from rdflib import Graph, Literal
from rdflib.namespace import RDF, RDFS, SH, SKOS

from sscmm import generate, levelshapes
from sscmm.namespaces import SSCMM, Y4904

from .conftest import copy_graph


def test_committed_generated_files_are_fresh():
    assert generate.stale() == []


@pytest.fixture(scope="module")
def criteria():
    return Graph().parse(levelshapes.CRITERIA_DIR / "y4904-criteria.ttl")


def test_one_shape_per_achievement_with_the_model_texts(shipped_model, criteria):
    shapes = levelshapes.build_level_shapes(shipped_model, "y4904", criteria)
    for achievement in shipped_model.subjects(SSCMM.inModel, Y4904["model"]):
        if (achievement, RDF.type, SSCMM.Achievement) not in shipped_model:
            continue
        (shape,) = [s for s in shapes.subjects(SSCMM.checksAchievement, achievement)
                    if shapes.value(s, SSCMM.dimension) is None and shapes.value(s, SSCMM.subDimension) is None]
        assert shapes.value(shape, RDFS.label) == shipped_model.value(achievement, SKOS.prefLabel)
        assert shapes.value(shape, SH.message) == shipped_model.value(achievement, SSCMM.criterion)
        assert shapes.value(shape, SSCMM.suggestedAction) == shipped_model.value(achievement, SSCMM.suggestedAction)
        assert shapes.value(shape, SSCMM.level) == shipped_model.value(achievement, SSCMM.level)
        assert shapes.value(shape, SSCMM.aspect) == shipped_model.value(achievement, SSCMM.aspect)
        assert shapes.value(shape, SH.severity) == SH.Violation
        assert (shape, RDF.type, SH.NodeShape) in shapes


def test_kpi_roll_ups_per_dimension_and_sub_dimension(shipped_model, criteria):
    shapes = levelshapes.build_level_shapes(shipped_model, "y4904", criteria)
    kpi_achievements = [a for a in shipped_model.subjects(SSCMM.kpiCriterion, None)
                        if (a, SSCMM.inModel, Y4904["model"]) in shipped_model]
    dims = set(shipped_model.subjects(RDF.type, SSCMM.KPIDimension))
    subs = set(shipped_model.subjects(RDF.type, SSCMM.KPISubDimension))
    roll_ups = [s for s in shapes.subjects(SH.severity, SH.Info)]
    assert len(roll_ups) == len(kpi_achievements) * (len(dims) + len(subs))


def test_a_changed_criterion_text_changes_the_shape(shipped_model, criteria):
    model = copy_graph(shipped_model)
    achievement = Y4904["achievement-3-data"]
    model.remove((achievement, SSCMM.criterion, None))
    model.add((achievement, SSCMM.criterion, Literal("Edited by a standards body.", lang="en")))
    shapes = levelshapes.build_level_shapes(model, "y4904", criteria)
    shape = next(shapes.subjects(SSCMM.checksAchievement, achievement))
    assert str(shapes.value(shape, SH.message)) == "Edited by a standards body."


def test_an_achievement_without_a_criterion_body_is_named(shipped_model, criteria):
    trimmed = copy_graph(criteria)
    trimmed.remove((Y4904["achievement-4-data"], SSCMM.criterionShape, None))
    with pytest.raises(levelshapes.CriteriaError, match="achievement-4-data"):
        levelshapes.build_level_shapes(shipped_model, "y4904", trimmed)
