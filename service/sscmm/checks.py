"""``sscmm model check``: meta-shapes and SPARQL checks of a model (OWL consistency is in consistency.py).

Per-term constraints are SHACL core (shapes/model/*.ttl, run by pyshacl). Facts across
terms (uniqueness, table coverage, references) are SPARQL queries (shapes/model/checks/
*.rq) that must return zero rows; each runs once over the whole model on pyoxigraph,
because the same checks as per-focus-node ``sh:sparql`` took seconds. Every problem names
the offending term, so an editor of the model data can find it.
"""

from dataclasses import dataclass
from functools import lru_cache

import pyoxigraph
import pyshacl
from rdflib import Graph, URIRef
from rdflib.namespace import RDF, SH

from .namespaces import bind_prefixes
from .paths import MODEL_SHAPES_DIR

SPARQL_CHECKS_DIR = MODEL_SHAPES_DIR / "checks"


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the model: the term, where (a property path), what, which check."""

    term: str
    message: str
    path: str = ""
    check: str = ""

    def __str__(self):
        where = f" {self.path}" if self.path else ""
        return f"{self.term}{where}: {self.message} [{self.check}]"


@lru_cache(maxsize=1)
def meta_shapes():
    """The meta-shapes graph, parsed once per process."""
    graph = bind_prefixes(Graph())
    for path in sorted(MODEL_SHAPES_DIR.glob("*.ttl")):
        graph.parse(path, format="turtle")
    return graph


@lru_cache(maxsize=1)
def sparql_checks():
    """{check name: query text} of shapes/model/checks/*.rq, read once per process."""
    return {p.stem: p.read_text(encoding="utf-8") for p in sorted(SPARQL_CHECKS_DIR.glob("*.rq"))}


def show(graph, node):
    """A term as a CURIE where a prefix is bound, else in angle brackets."""
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.curie(node, generate=False)
        except (ValueError, KeyError):
            return f"<{node}>"
    return str(node)


def _path_text(shapes, path):
    if path is None:
        return ""
    if isinstance(path, URIRef):
        return show(shapes, path)
    items = list(shapes.items(path))
    if items:
        return "/".join(show(shapes, p) for p in items)
    inverse = shapes.value(path, SH.inversePath)
    return f"^{show(shapes, inverse)}" if inverse is not None else "(path)"


def shape_problems(model_graph):
    """Run the meta-shapes; one Problem per violation."""
    shapes = meta_shapes()
    conforms, report, _ = pyshacl.validate(
        model_graph, shacl_graph=shapes, inference="none", abort_on_first=False,
    )
    if conforms:
        return []
    problems = set()
    for result in report.subjects(RDF.type, SH.ValidationResult):
        shape = report.value(result, SH.sourceShape)
        node_shape = next(shapes.subjects(SH.property, shape), shape)
        message = report.value(result, SH.resultMessage)
        problems.add(Problem(
            term=show(model_graph, report.value(result, SH.focusNode)),
            message=str(message) if message is not None else "violates a meta-shape",
            path=_path_text(shapes, shapes.value(shape, SH.path)),
            check=show(shapes, node_shape) if isinstance(node_shape, URIRef) else "meta-shape",
        ))
    return sorted(problems)


def sparql_problems(model_graph):
    """Run every SPARQL check over the whole model; each row is a Problem."""
    store = pyoxigraph.Store()
    store.load(model_graph.serialize(format="nt", encoding="utf-8"),
               format=pyoxigraph.RdfFormat.N_TRIPLES)
    problems = set()
    for name, query in sparql_checks().items():
        for row in store.query(query):
            term = row["term"]
            problems.add(Problem(
                term=show(model_graph, URIRef(term.value)) if isinstance(term, pyoxigraph.NamedNode) else str(term),
                message=row["message"].value, check=name,
            ))
    return sorted(problems)
