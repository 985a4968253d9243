"""The shipped model says what its sources say, and marks what is ours as interpretation."""

import csv
import re

import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS, XSD

from sscmm import codes
from sscmm.namespaces import QUDT, SDG, SSCMM, U4SSC, UNIT, Y4904
from sscmm.paths import ONTOLOGY_SOURCES_DIR, ROOT

LEVELS = {0: "Pre-maturity", 1: "Planning", 2: "Alignment", 3: "Development", 4: "Integration", 5: "Optimization"}


def kpi(code):
    return U4SSC[codes.code_local_name(code)]


def label(graph, term):
    return str(graph.value(term, SKOS.prefLabel))


def test_levels_are_ordered_and_named(shipped_model):
    found = {int(o): label(shipped_model, s) for s, o in shipped_model.subject_objects(SSCMM.levelOrder)}
    assert found == LEVELS


def test_pre_maturity_comes_from_the_draft_revision(shipped_model):
    level = Y4904["level-0"]
    assert (level, RDF.type, SSCMM.PreMaturityLevel) in shipped_model
    assert shipped_model.value(level, SSCMM.contentStatus) == SSCMM.DraftRevision
    assert "Y.4904-Rev" in str(shipped_model.value(shipped_model.value(level, DCTERMS.source), DCTERMS.identifier))


def test_aspects(shipped_model):
    aspects = {label(shipped_model, a) for a in shipped_model.subjects(SSCMM.aspectOrder, None)
               if (a, SSCMM.inModel, Y4904["model"]) in shipped_model}
    assert aspects == {"Strategy", "ICT infrastructure", "Data", "Services and applications", "Assessment", "KPI performance"}
    assert len(list(shipped_model.subjects(RDF.type, SSCMM.KPIPerformanceAspect))) == 1


def test_every_achievement_is_marked_as_interpretation(shipped_model):
    achievements = [a for a in shipped_model.subjects(RDF.type, SSCMM.Achievement)
                    if (a, SSCMM.inModel, Y4904["model"]) in shipped_model]
    assert len(achievements) == 30
    for achievement in achievements:
        assert shipped_model.value(achievement, SSCMM.contentStatus) == SSCMM.Interpretation
        assert "not Recommendation text" in str(shipped_model.value(achievement, SKOS.scopeNote))
        assert shipped_model.value(achievement, SSCMM.criterion) and shipped_model.value(achievement, SSCMM.suggestedAction)


def test_kpi_mapping_is_interpretation_core_from_1_advanced_from_3(shipped_model):
    for mapping in shipped_model.subjects(RDF.type, SSCMM.KPILevelMapping):
        assert shipped_model.value(mapping, SSCMM.contentStatus) == SSCMM.Interpretation
        the_kpi = shipped_model.value(mapping, SSCMM.kpi)
        order = int(shipped_model.value(shipped_model.value(mapping, SSCMM.defaultApplicableLevel), SSCMM.levelOrder))
        expected = {SSCMM.Core: 1, SSCMM.Advanced: 3}[shipped_model.value(the_kpi, SSCMM.kpiType)]
        assert order == expected


def _catalogue_rows():
    with open(ONTOLOGY_SOURCES_DIR / "u4ssc_kpis.csv", newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


@pytest.mark.parametrize("row", _catalogue_rows(), ids=lambda r: r["code"])
def test_every_catalogue_row_is_a_kpi_with_its_tree_and_type(shipped_model, row):
    term = kpi(row["code"])
    assert shipped_model.value(term, SSCMM.code) == Literal(row["code"])
    assert label(shipped_model, shipped_model.value(term, SSCMM.dimension)) == row["dimension"]
    assert label(shipped_model, shipped_model.value(term, SSCMM.subDimension)) == row["subdimension"]
    assert label(shipped_model, shipped_model.value(term, SSCMM.category)) == row["category"]
    assert label(shipped_model, shipped_model.value(term, SSCMM.kpiType)) == row["core_or_advanced"].lower()
    cited = set(shipped_model.objects(term, SSCMM.sdgTarget)) | set(shipped_model.objects(term, SSCMM.doubtfulSdgTarget))
    assert cited == {SDG[t] for t in row["sdgs"].split(";")}


def test_health_record_kpi_keeps_its_category_as_data(shipped_model):
    """SC: EH: ED: 5A is coded as Education but is in Health."""
    assert label(shipped_model, shipped_model.value(kpi("SC: EH: ED: 5A"), SSCMM.category)) == "Health"


def test_wireless_15_8_is_doubtful_not_a_target(shipped_model):
    for code in ("EC: ICT: ICT: 3C", "EC: ICT: ICT: 4C"):
        assert (kpi(code), SSCMM.sdgTarget, SDG["15.8"]) not in shipped_model
        assert (kpi(code), SSCMM.doubtfulSdgTarget, SDG["15.8"]) in shipped_model
        assert "15.8" in str(shipped_model.value(kpi(code), SKOS.editorialNote))


@pytest.mark.parametrize("code,points", [
    ("EC: ICT: ICT: 4C", {"3G", "4G"}),
    ("EN: EN: AQ: 1C", {"PM10", "PM2.5", "NO2", "SO2", "O3"}),
])
def test_multi_part_kpis_have_their_data_points(shipped_model, code, points):
    labels = {label(shipped_model, p) for p in shipped_model.objects(kpi(code), SSCMM.hasDataPoint)}
    assert labels == points


@pytest.mark.parametrize("code", ["EN: EN: WS: 4C", "EN: EN: WA: 1C", "EC: I: T: 4A", "EC: I: UP: 2A", "EC: ICT: PS: 1A"])
def test_other_multi_part_kpis_have_several_data_points(shipped_model, code):
    assert len(list(shipped_model.objects(kpi(code), SSCMM.hasDataPoint))) >= 2


def test_open_data_is_a_percentage_and_a_number(shipped_model):
    units = {shipped_model.value(p, QUDT.hasUnit) for p in shipped_model.objects(kpi("EC: ICT: PS: 1A"), SSCMM.hasDataPoint)}
    assert {UNIT.PERCENT, UNIT.NUM} <= units


@pytest.mark.parametrize("code,direction", [
    ("EC: ICT: ICT: 1C", SSCMM.HigherIsBetter),
    ("EC: P: EM: 1C", SSCMM.LowerIsBetter),
    ("EC: I: WS: 3C", SSCMM.LowerIsBetter),
    ("SC: SH: SA: 5A", SSCMM.LowerIsBetter),
    ("EN: EN: AQ: 2C", SSCMM.LowerIsBetter),
    ("SC: SH: SI: 1C", SSCMM.TargetRange),
    ("SC: SH: SA: 3A", SSCMM.HigherIsBetter),
])
def test_directions(shipped_model, code, direction):
    assert shipped_model.value(kpi(code), SSCMM.direction) == direction


def test_yes_no_kpis_are_boolean_without_unit(shipped_model):
    for term in shipped_model.subjects(SSCMM.valueType, XSD.boolean):
        assert shipped_model.value(term, SSCMM.hasNoUnit) == Literal(True)
        assert shipped_model.value(term, QUDT.hasUnit) is None
    assert shipped_model.value(kpi("SC: SH: SA: 3A"), SSCMM.valueType) == XSD.boolean


def test_interpreted_properties_are_declared_on_the_catalogue(shipped_model):
    interpreted = set(shipped_model.objects(U4SSC.catalogue, SSCMM.interpretedProperty))
    assert {SSCMM.direction, SSCMM.valueType, SSCMM.hasDataPoint} <= interpreted


def test_sdg_targets_are_un_iris(shipped_model):
    for target in shipped_model.subjects(RDF.type, SSCMM.SDGTarget):
        assert re.fullmatch(r"http://metadata\.un\.org/sdg/\d{1,2}\.[0-9a-z]{1,2}", str(target))


def test_every_kpi_name_in_the_city_reports_is_a_label(shipped_model):
    """The names the ITU verification reports use resolve to the right KPI (or data point)."""
    with open(ROOT / "data" / "reference" / "u4ssc_city_values.csv", newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert rows
    for row in rows:
        term = kpi(row["kpi_code"])
        name, _, point = row["kpi_name"].partition(": ")
        names = {str(v) for p in (SKOS.prefLabel, SKOS.altLabel) for v in shipped_model.objects(term, p)}
        assert name in names, row["kpi_name"]
        if point:
            assert point in {label(shipped_model, p) for p in shipped_model.objects(term, SSCMM.hasDataPoint)}


def test_every_kpi_cites_a_source(shipped_model):
    for term in shipped_model.subjects(RDF.type, SSCMM.KPI):
        source = shipped_model.value(term, DCTERMS.source)
        assert isinstance(source, URIRef)
