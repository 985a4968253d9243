"""Every meta-shape constraint and SPARQL check: the mini model passes, and one broken
fact at a time makes exactly the guarding check fail, naming the term."""

import pytest
from rdflib.namespace import SH

from sscmm.checks import meta_shapes, shape_problems, sparql_checks, sparql_problems, show

from .conftest import mini_model

PREFIXES = """
PREFIX sscmm: <https://w3id.org/sscmm/ontology#>
PREFIX ex: <https://w3id.org/sscmm/test/>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
PREFIX dcterms: <http://purl.org/dc/terms/>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX qudt: <http://qudt.org/schema/qudt/>
PREFIX unit: <http://qudt.org/vocab/unit/>
PREFIX sdg: <http://metadata.un.org/sdg/>
"""
KPI = "ex:EC-ICT-ICT-4C"
STATEMENT = 'ex:statement-1 a sscmm:GoodPracticeStatement ; skos:prefLabel "Do good."@en ; sscmm:contentStatus sscmm:Interpretation ;'
RATING = 'ex:rating-1 a sscmm:RatingValue ; skos:prefLabel "done"@en ;'

# (case id, SPARQL Update that breaks one fact, term expected, check expected, path expected)
CASES = [
    ("kpi-no-code", f"DELETE WHERE {{ {KPI} sscmm:code ?c }}", KPI, "msh:KPIShape", "sscmm:code"),
    ("kpi-bad-code", f'DELETE {{ {KPI} sscmm:code ?c }} INSERT {{ {KPI} sscmm:code "EC ICT 4C" }} WHERE {{ {KPI} sscmm:code ?c }}',
     KPI, "msh:KPIShape", "sscmm:code"),
    ("kpi-two-codes", f'INSERT DATA {{ {KPI} sscmm:code "EC: ICT: ICT: 4 C" }}', KPI, "msh:KPIShape", "sscmm:code"),
    ("kpi-no-notation", f"DELETE WHERE {{ {KPI} skos:notation ?n }}", KPI, "msh:KPIShape", "skos:notation"),
    ("kpi-bad-notation", f'DELETE {{ {KPI} skos:notation ?n }} INSERT {{ {KPI} skos:notation "ec-ict-4c" }} WHERE {{ {KPI} skos:notation ?n }}',
     KPI, "msh:KPIShape", "skos:notation"),
    ("kpi-no-label", f"DELETE WHERE {{ {KPI} skos:prefLabel ?l }}", KPI, "msh:KPIShape", "skos:prefLabel"),
    ("kpi-label-without-language", f'DELETE {{ {KPI} skos:prefLabel ?l }} INSERT {{ {KPI} skos:prefLabel "Coverage" }} WHERE {{ {KPI} skos:prefLabel ?l }}',
     KPI, "msh:KPIShape", "skos:prefLabel"),
    ("kpi-no-type", f"DELETE WHERE {{ {KPI} sscmm:kpiType ?t }}", KPI, "msh:KPIShape", "sscmm:kpiType"),
    ("kpi-two-types", f"INSERT DATA {{ {KPI} sscmm:kpiType sscmm:Advanced }}", KPI, "msh:KPIShape", "sscmm:kpiType"),
    ("kpi-no-category", f"DELETE WHERE {{ {KPI} sscmm:category ?c }}", KPI, "msh:KPIShape", "sscmm:category"),
    ("category-not-under-sub-dimension", "DELETE DATA { ex:EC-ICT-ICT skos:broader ex:EC-ICT }",
     KPI, "msh:KPIShape", "sscmm:category/skos:broader"),
    ("sub-dimension-not-under-dimension", "DELETE DATA { ex:EC-ICT skos:broader ex:EC }",
     KPI, "msh:KPIShape", "sscmm:category/skos:broader/skos:broader"),
    ("kpi-no-direction", f"DELETE WHERE {{ {KPI} sscmm:direction ?d }}", KPI, "msh:KPIShape", "sscmm:direction"),
    ("kpi-direction-not-a-direction", f"DELETE {{ {KPI} sscmm:direction ?d }} INSERT {{ {KPI} sscmm:direction sscmm:Core }} WHERE {{ {KPI} sscmm:direction ?d }}",
     KPI, "msh:KPIShape", "sscmm:direction"),
    ("kpi-bad-value-type", f"DELETE {{ {KPI} sscmm:valueType ?t }} INSERT {{ {KPI} sscmm:valueType xsd:string }} WHERE {{ {KPI} sscmm:valueType ?t }}",
     KPI, "msh:KPIShape", "sscmm:valueType"),
    ("kpi-undeclared-unit", f"DELETE {{ {KPI} qudt:hasUnit ?u }} INSERT {{ {KPI} qudt:hasUnit unit:FURLONG }} WHERE {{ {KPI} qudt:hasUnit ?u }}",
     KPI, "msh:KPIShape", "qudt:hasUnit"),
    ("kpi-no-unit", f"DELETE WHERE {{ {KPI} qudt:hasUnit ?u }}", KPI, "msh:KPIShape", ""),
    ("kpi-unit-and-no-unit", f"INSERT DATA {{ {KPI} sscmm:hasNoUnit true }}", KPI, "msh:KPIShape", ""),
    ("kpi-undeclared-sdg", f"INSERT DATA {{ {KPI} sscmm:sdgTarget sdg:99.z }}", KPI, "msh:KPIShape", "sscmm:sdgTarget"),
    ("kpi-data-point-not-a-data-point", f"INSERT DATA {{ {KPI} sscmm:hasDataPoint ex:level-1 }}", KPI, "msh:KPIShape", "sscmm:hasDataPoint"),
    ("data-point-no-label", "DELETE WHERE { ex:EC-ICT-ICT-4C_3G skos:prefLabel ?l }", "ex:EC-ICT-ICT-4C_3G", "msh:DataPointShape", "skos:prefLabel"),
    ("data-point-no-notation", "DELETE WHERE { ex:EC-ICT-ICT-4C_3G skos:notation ?l }", "ex:EC-ICT-ICT-4C_3G", "msh:DataPointShape", "skos:notation"),
    ("data-point-orphan", f"DELETE DATA {{ {KPI} sscmm:hasDataPoint ex:EC-ICT-ICT-4C_3G }}", "ex:EC-ICT-ICT-4C_3G", "msh:DataPointShape", "^sscmm:hasDataPoint"),
    ("data-point-two-directions", "INSERT DATA { ex:EC-ICT-ICT-4C_3G sscmm:direction sscmm:HigherIsBetter , sscmm:LowerIsBetter }",
     "ex:EC-ICT-ICT-4C_3G", "msh:DataPointShape", "sscmm:direction"),
    ("data-point-undeclared-unit", "INSERT DATA { ex:EC-ICT-ICT-4C_3G qudt:hasUnit unit:FURLONG }",
     "ex:EC-ICT-ICT-4C_3G", "msh:DataPointShape", "qudt:hasUnit"),
    ("category-no-label", "DELETE WHERE { ex:EC-ICT-ICT skos:prefLabel ?l }", "ex:EC-ICT-ICT", "msh:CategoryShape", "skos:prefLabel"),
    ("category-orphan", "DELETE DATA { ex:EC-ICT-ICT skos:broader ex:EC-ICT }", "ex:EC-ICT-ICT", "msh:CategoryShape", "skos:broader"),
    ("sub-dimension-no-label", "DELETE WHERE { ex:EC-ICT skos:prefLabel ?l }", "ex:EC-ICT", "msh:SubDimensionShape", "skos:prefLabel"),
    ("sub-dimension-orphan", "DELETE DATA { ex:EC-ICT skos:broader ex:EC }", "ex:EC-ICT", "msh:SubDimensionShape", "skos:broader"),
    ("dimension-no-label", "DELETE WHERE { ex:EC skos:prefLabel ?l }", "ex:EC", "msh:DimensionShape", "skos:prefLabel"),
    ("model-no-label", "DELETE WHERE { ex:model skos:prefLabel ?l }", "ex:model", "msh:MaturityModelShape", "skos:prefLabel"),
    ("model-no-identifier", "DELETE WHERE { ex:model dcterms:identifier ?l }", "ex:model", "msh:MaturityModelShape", "dcterms:identifier"),
    ("model-bad-identifier", 'DELETE { ex:model dcterms:identifier ?i } INSERT { ex:model dcterms:identifier "Mini Model" } WHERE { ex:model dcterms:identifier ?i }',
     "ex:model", "msh:MaturityModelShape", "dcterms:identifier"),
    ("model-no-version", "DELETE WHERE { ex:model owl:versionInfo ?v }", "ex:model", "msh:MaturityModelShape", "owl:versionInfo"),
    ("model-catalogue-not-a-catalogue", "INSERT DATA { ex:model sscmm:usesCatalogue ex:EC }", "ex:model", "msh:MaturityModelShape", "sscmm:usesCatalogue"),
    ("level-no-order", "DELETE WHERE { ex:level-2 sscmm:levelOrder ?o }", "ex:level-2", "msh:LevelShape", "sscmm:levelOrder"),
    ("level-decimal-order", 'DELETE { ex:level-2 sscmm:levelOrder ?o } INSERT { ex:level-2 sscmm:levelOrder 2.5 } WHERE { ex:level-2 sscmm:levelOrder ?o }',
     "ex:level-2", "msh:LevelShape", "sscmm:levelOrder"),
    ("level-no-model", "DELETE WHERE { ex:level-2 sscmm:inModel ?m }", "ex:level-2", "msh:LevelShape", "sscmm:inModel"),
    ("level-no-label", "DELETE WHERE { ex:level-2 skos:prefLabel ?m }", "ex:level-2", "msh:LevelShape", "skos:prefLabel"),
    ("level-no-goal", "DELETE WHERE { ex:level-2 sscmm:levelGoal ?m }", "ex:level-2", "msh:LevelShape", "sscmm:levelGoal"),
    ("aspect-no-label", "DELETE WHERE { ex:aspect-a skos:prefLabel ?m }", "ex:aspect-a", "msh:AspectShape", "skos:prefLabel"),
    ("aspect-no-model", "DELETE WHERE { ex:aspect-a sscmm:inModel ?m }", "ex:aspect-a", "msh:AspectShape", "sscmm:inModel"),
    ("aspect-two-orders", "INSERT DATA { ex:aspect-a sscmm:aspectOrder 7 }", "ex:aspect-a", "msh:AspectShape", "sscmm:aspectOrder"),
    ("achievement-no-level", "DELETE WHERE { ex:ach-2-a sscmm:level ?m }", "ex:ach-2-a", "msh:AchievementShape", "sscmm:level"),
    ("achievement-no-aspect", "DELETE WHERE { ex:ach-2-a sscmm:aspect ?m }", "ex:ach-2-a", "msh:AchievementShape", "sscmm:aspect"),
    ("achievement-no-model", "DELETE WHERE { ex:ach-2-a sscmm:inModel ?m }", "ex:ach-2-a", "msh:AchievementShape", "sscmm:inModel"),
    ("achievement-no-criterion", "DELETE WHERE { ex:ach-2-a sscmm:criterion ?m }", "ex:ach-2-a", "msh:AchievementShape", "sscmm:criterion"),
    ("achievement-no-action", "DELETE WHERE { ex:ach-2-a sscmm:suggestedAction ?m }", "ex:ach-2-a", "msh:AchievementShape", "sscmm:suggestedAction"),
    ("achievement-no-status", "DELETE WHERE { ex:ach-2-a sscmm:contentStatus ?m }", "ex:ach-2-a", "msh:AchievementShape", "sscmm:contentStatus"),
    ("achievement-at-pre-maturity", "DELETE { ex:ach-2-a sscmm:level ?l } INSERT { ex:ach-2-a sscmm:level ex:level-0 } WHERE { ex:ach-2-a sscmm:level ?l }",
     "ex:ach-2-a", "msh:AchievementShape", "sscmm:level/rdf:type"),
    ("step-no-number", "DELETE WHERE { ex:step-1 sscmm:stepNumber ?m }", "ex:step-1", "msh:ProcedureStepShape", "sscmm:stepNumber"),
    ("step-no-model", "DELETE WHERE { ex:step-1 sscmm:inModel ?m }", "ex:step-1", "msh:ProcedureStepShape", "sscmm:inModel"),
    ("step-no-definition", "DELETE WHERE { ex:step-1 skos:definition ?m }", "ex:step-1", "msh:ProcedureStepShape", "skos:definition"),
    ("mapping-no-kpi", "DELETE WHERE { ex:mapping-4C sscmm:kpi ?m }", "ex:mapping-4C", "msh:KPILevelMappingShape", "sscmm:kpi"),
    ("mapping-no-level", "DELETE WHERE { ex:mapping-4C sscmm:defaultApplicableLevel ?m }", "ex:mapping-4C", "msh:KPILevelMappingShape", "sscmm:defaultApplicableLevel"),
    ("mapping-no-model", "DELETE WHERE { ex:mapping-4C sscmm:inModel ?m }", "ex:mapping-4C", "msh:KPILevelMappingShape", "sscmm:inModel"),
    ("content-without-status", "DELETE WHERE { ex:level-1 sscmm:contentStatus ?m }", "ex:level-1", "msh:ContentStatusShape", "sscmm:contentStatus"),
    ("normative-without-source", "DELETE WHERE { ex:level-1 dcterms:source ?m }", "ex:level-1", "msh:NormativeFactHasSource", ""),
    # rated good practice (the WeGO – TM Forum kind of model)
    ("statement-in-no-model", f"INSERT DATA {{ {STATEMENT} sscmm:aspect ex:aspect-a }}", "ex:statement-1", "msh:GoodPracticeStatementShape", "sscmm:inModel"),
    ("statement-in-no-aspect", f"INSERT DATA {{ {STATEMENT} sscmm:inModel ex:model }}", "ex:statement-1", "msh:GoodPracticeStatementShape", "sscmm:aspect"),
    ("statement-without-text", 'INSERT DATA { ex:statement-1 a sscmm:GoodPracticeStatement ; sscmm:inModel ex:model ; sscmm:aspect ex:aspect-a ; '
     'sscmm:contentStatus sscmm:Interpretation }', "ex:statement-1", "msh:GoodPracticeStatementShape", "skos:prefLabel"),
    ("rating-without-order", f"INSERT DATA {{ {RATING} skos:inScheme ex:scale }}", "ex:rating-1", "msh:RatingValueShape", "sscmm:scaleOrder"),
    ("rating-on-no-scale", f"INSERT DATA {{ {RATING} sscmm:scaleOrder 1 }}", "ex:rating-1", "msh:RatingValueShape", "skos:inScheme"),
    ("rating-without-label", "INSERT DATA { ex:rating-1 a sscmm:RatingValue ; sscmm:scaleOrder 1 ; skos:inScheme ex:scale }",
     "ex:rating-1", "msh:RatingValueShape", "skos:prefLabel"),
    ("rated-achievement-share-above-one", f"INSERT DATA {{ {RATING} sscmm:scaleOrder 1 ; skos:inScheme ex:scale . ex:ach-1-a sscmm:minimumRating ex:rating-1 ; sscmm:minimumShare 1.5 }}",
     "ex:ach-1-a", "msh:RatedAchievementShape", "sscmm:minimumShare"),
    ("rated-achievement-without-rating", "INSERT DATA { ex:ach-1-a sscmm:minimumShare 0.5 }", "ex:ach-1-a", "msh:RatedAchievementShape", "sscmm:minimumRating"),
    # SPARQL checks (shapes/model/checks/*.rq)
    ("code-suffix-disagrees-with-type", f"DELETE {{ {KPI} sscmm:kpiType ?t }} INSERT {{ {KPI} sscmm:kpiType sscmm:Advanced }} WHERE {{ {KPI} sscmm:kpiType ?t }}",
     KPI, "kpi-code-agrees-with-type", ""),
    ("notation-is-not-the-code", f'DELETE {{ {KPI} skos:notation ?n }} INSERT {{ {KPI} skos:notation "EC:ICT:ICT:5C" }} WHERE {{ {KPI} skos:notation ?n }}',
     KPI, "kpi-notation-matches-code", ""),
    ("duplicate-code", f"INSERT {{ ex:EC-ICT-ICT-4C-copy ?p ?o }} WHERE {{ {KPI} ?p ?o }}", KPI, "kpi-code-unique", ""),
    ("tree-disagrees", f"DELETE {{ {KPI} sscmm:subDimension ?s }} INSERT {{ {KPI} sscmm:subDimension ex:EC }} WHERE {{ {KPI} sscmm:subDimension ?s }}",
     KPI, "kpi-tree-consistent", ""),
    ("data-point-notation-twice", 'DELETE { ex:EC-ICT-ICT-4C_4G skos:notation ?n } INSERT { ex:EC-ICT-ICT-4C_4G skos:notation "3G" } WHERE { ex:EC-ICT-ICT-4C_4G skos:notation ?n }',
     "ex:EC-ICT-ICT-4C_4G", "data-point-notation-unique", ""),
    ("level-order-twice", "DELETE { ex:level-2 sscmm:levelOrder ?o } INSERT { ex:level-2 sscmm:levelOrder 1 } WHERE { ex:level-2 sscmm:levelOrder ?o }",
     "ex:level-2", "level-order-unique", ""),
    ("step-number-twice", 'INSERT DATA { ex:step-2 a sscmm:ProcedureStep ; sscmm:inModel ex:model ; sscmm:stepNumber 1 ; skos:definition "Again."@en ; sscmm:contentStatus sscmm:Interpretation }',
     "ex:step-2", "step-number-unique", ""),
    ("pre-maturity-not-lowest", "DELETE { ex:level-0 sscmm:levelOrder ?o } INSERT { ex:level-0 sscmm:levelOrder 9 } WHERE { ex:level-0 sscmm:levelOrder ?o }",
     "ex:level-0", "pre-maturity-lowest", ""),
    ("achievement-cell-empty", "DELETE WHERE { ex:ach-2-a ?p ?o }", "ex:level-2", "one-achievement-per-cell", ""),
    ("achievement-cell-doubled", 'INSERT DATA { ex:ach-2-a-bis a sscmm:Achievement ; sscmm:inModel ex:model ; sscmm:level ex:level-2 ; sscmm:aspect ex:aspect-a ; sscmm:criterion "c2"@en ; sscmm:suggestedAction "s2"@en ; sscmm:contentStatus sscmm:Interpretation }',
     "ex:level-2", "one-achievement-per-cell", ""),
    ("kpi-not-mapped", "DELETE WHERE { ex:mapping-4C ?p ?o }", KPI, "every-catalogue-kpi-mapped", ""),
    ("kpi-mapped-twice", "INSERT { ex:mapping-4C-bis ?p ?o } WHERE { ex:mapping-4C ?p ?o }", KPI, "every-catalogue-kpi-mapped", ""),
    ("kpi-achievement-without-criterion", "DELETE WHERE { ex:ach-2-kpi sscmm:kpiCriterion ?k }", "ex:ach-2-kpi", "kpi-achievement-has-criterion", ""),
    ("model-release-without-version-iri", "DELETE WHERE { <https://w3id.org/sscmm/test> owl:versionIRI ?v }", "ex:model",
     "model-release-has-version-iri", ""),
    ("undefined-reference", "INSERT DATA { ex:level-1 skos:related ex:level-9 }", "ex:level-9", "undefined-term", ""),
]


def problems_of(graph):
    return shape_problems(graph) + sparql_problems(graph)


def test_mini_model_passes_every_check():
    assert problems_of(mini_model()) == []


@pytest.mark.parametrize("update,term,check,path", [c[1:] for c in CASES], ids=[c[0] for c in CASES])
def test_breaking_one_fact_fails_the_check_that_guards_it(update, term, check, path):
    graph = mini_model()
    graph.update(PREFIXES + update)
    problems = problems_of(graph)
    hits = [p for p in problems if p.term == term and p.check == check and (not path or p.path == path)]
    assert hits, f"expected {check} {path} on {term}; got:\n" + "\n".join(map(str, problems))
    assert all(p.message for p in hits)


def test_every_constraint_has_a_failing_case():
    """Adding a constraint without a failing mini-graph makes this test fail."""
    shapes = meta_shapes()
    constraints = set()
    for node_shape in set(shapes.subjects(SH.property, None)) | set(shapes.subjects(SH.xone, None)) | set(shapes.subjects(SH["or"], None)):
        name = show(shapes, node_shape)
        for prop in shapes.objects(node_shape, SH.property):
            path = shapes.value(prop, SH.path)
            items = list(shapes.items(path)) if path is not None and not isinstance(path, type(node_shape)) else []
            if items:
                constraints.add((name, "/".join(show(shapes, i) for i in items)))
            elif shapes.value(path, SH.inversePath) is not None:
                constraints.add((name, "^" + show(shapes, shapes.value(path, SH.inversePath))))
            else:
                constraints.add((name, show(shapes, path)))
        if (node_shape, SH.xone, None) in shapes or (node_shape, SH["or"], None) in shapes:
            constraints.add((name, ""))
    constraints |= {(name, "") for name in sparql_checks()}
    covered = {(c[3], c[4]) for c in CASES}
    assert constraints - covered == set()
