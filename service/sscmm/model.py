"""Loading a maturity model (the Turtle of ontology/) and describing it.

A model is found by its short name (dcterms:identifier of its sscmm:MaturityModel), never
by a hard-coded IRI, so a standards body can add or replace a model by adding data.
"""

from collections import Counter
from pathlib import Path

from rdflib import Graph
from rdflib.exceptions import ParserError

from .namespaces import bind_prefixes
from .paths import ONTOLOGY_DIR

DEFAULT_MODEL = "y4904"


class ModelError(Exception):
    """The model cannot be loaded or a named model does not exist."""


def model_files(paths=None):
    """The Turtle files that make up a model: each path is a file or a folder of *.ttl."""
    files = []
    for path in [Path(p) for p in (paths or [ONTOLOGY_DIR])]:
        if path.is_dir():
            files.extend(sorted(path.glob("*.ttl")))
        elif path.is_file():
            files.append(path)
        else:
            raise ModelError(f"{path}: no such file or folder")
    if not files:
        raise ModelError(f"no Turtle files in {', '.join(map(str, paths or [ONTOLOGY_DIR]))}")
    return files


def load_model(paths=None):
    """Parse the model files into one rdflib Graph; a syntax error names file and line."""
    graph = bind_prefixes(Graph())
    for path in model_files(paths):
        try:
            graph.parse(path, format="turtle")
        except (SyntaxError, ParserError) as err:  # rdflib's BadSyntax is a SyntaxError
            raise ModelError(f"{path}: {_describe_syntax_error(err)}") from None
    return graph


def _describe_syntax_error(err):
    lines = getattr(err, "lines", None)
    message = getattr(err, "message", None) or str(err)
    return f"line {lines + 1}: {message}" if isinstance(lines, int) else str(err)


_Q_MODELS = """
SELECT ?model ?name ?label ?version WHERE {
    ?model a sscmm:MaturityModel ; dcterms:identifier ?name .
    OPTIONAL { ?model skos:prefLabel ?label }
    OPTIONAL { ?model owl:versionInfo ?version }
} ORDER BY ?name"""


def all_models(graph):
    """[(IRI, name, label, version)] of every model in the graph, by name."""
    return [(row.model, str(row.name), str(row.label or row.name), str(row.version or ""))
            for row in graph.query(_Q_MODELS)]


def find_model(graph, name=None):
    """(IRI, name, label, version) of the named model, or of the only one when no name."""
    rows = list(graph.query(_Q_MODELS))
    if not rows:
        raise ModelError("the model files define no sscmm:MaturityModel with a dcterms:identifier")
    names = sorted({str(r.name) for r in rows})
    if name is None:
        name = DEFAULT_MODEL if DEFAULT_MODEL in names or len(names) != 1 else names[0]
    for row in rows:
        if str(row.name) == name:
            return row.model, name, str(row.label or name), str(row.version or "")
    raise ModelError(f"no model named {name!r}; the models are: {', '.join(names)}")


def _count(graph, query, model):
    return int(next(iter(graph.query(query, initBindings={"model": model})))[0])


_Q_COUNT_IN_MODEL = """
SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{ ?x sscmm:inModel ?model ; a/rdfs:subClassOf* {cls} . }}"""

_Q_KPIS = """
SELECT ?kpi ?typeLabel ?dimLabel WHERE {
    ?model sscmm:usesCatalogue ?catalogue .
    ?kpi a sscmm:KPI ; skos:inScheme ?catalogue .
    OPTIONAL { ?kpi sscmm:kpiType/skos:prefLabel ?typeLabel }
    OPTIONAL { ?kpi sscmm:dimension/skos:prefLabel ?dimLabel }
}"""

_Q_CATALOGUE_TERMS = """
SELECT (COUNT(DISTINCT ?x) AS ?n) WHERE {{
    ?model sscmm:usesCatalogue ?catalogue . ?x a {cls} ; skos:inScheme ?catalogue . }}"""


def stats(graph, name=None):
    """Counts that show at a glance whether a model is complete."""
    model, name, label, version = find_model(graph, name)
    levels = sorted(
        int(o) for (o,) in graph.query(
            "SELECT ?o WHERE { ?l sscmm:inModel ?model ; sscmm:levelOrder ?o }",
            initBindings={"model": model}))
    kpis = list(graph.query(_Q_KPIS, initBindings={"model": model}))
    by_type = Counter(str(r.typeLabel) for r in kpis if r.typeLabel is not None)
    by_dimension = Counter(str(r.dimLabel) for r in kpis if r.dimLabel is not None)
    in_model = lambda cls: _count(graph, _Q_COUNT_IN_MODEL.format(cls=cls), model)  # noqa: E731
    in_catalogue = lambda cls: _count(graph, _Q_CATALOGUE_TERMS.format(cls=cls), model)  # noqa: E731
    return {
        "model": {"name": name, "iri": str(model), "label": label, "version": version},
        "levels": len(levels),
        "level_orders": levels,
        "aspects": in_model("sscmm:AchievementAspect"),
        "achievements": in_model("sscmm:Achievement"),
        "procedure_steps": in_model("sscmm:ProcedureStep"),
        "kpi_level_mappings": in_model("sscmm:KPILevelMapping"),
        "kpis": {
            "total": len({r.kpi for r in kpis}),
            **{t: n for t, n in sorted(by_type.items())},
            "by_dimension": dict(sorted(by_dimension.items())),
        },
        "dimensions": in_catalogue("sscmm:KPIDimension"),
        "sub_dimensions": in_catalogue("sscmm:KPISubDimension"),
        "categories": in_catalogue("sscmm:KPICategory"),
        "data_points": in_catalogue("sscmm:KPIDataPoint"),
    }
