"""A subset of SHACL Core compiled to SPARQL, so bulk data is checked by the store.

pyshacl walks every focus node in Python. The input shapes target every observation and
every target of a city's graph (hundreds of each), which made them most of the validation
time. Shapes in the subset below are compiled once into one SELECT per node shape and run
on the pyoxigraph store that already holds the city's graph; tests/test_core_sparql.py
and bench/assess.py compare the rows with pyshacl's results on the same graphs.

The subset: node shapes with ``sh:targetClass``/``sh:targetNode``; property shapes with a
single IRI ``sh:path`` and ``sh:minCount``, ``sh:maxCount``, ``sh:class``,
``sh:datatype``, ``sh:nodeKind``, ``sh:in``, ``sh:hasValue``; a node-level ``sh:or`` whose
members are property shapes with ``sh:minCount 1`` only; ``sh:message``,
``sh:deactivated``. Anything else raises UnsupportedShape when the shapes are compiled,
so a shape is never silently skipped.

Each row, named as in the SPARQL input checks (shapes/input/checks/*.rq): ``?term`` (the
focus node), ``?field`` (the path) and ``?value`` when the constraint has them,
``?message``, and ``?shape`` (the node shape).
"""

from dataclasses import dataclass

from rdflib import BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH, XSD

#: XSD datatypes with a SPARQL/oxigraph cast function: ``<D>(?v)`` is unbound when ?v is
#: not a well-formed literal of D, which is what sh:datatype requires.
_CASTABLE = {XSD[n] for n in ("string", "boolean", "decimal", "integer", "float", "double", "dateTime", "date",
                              "time", "gYear", "gYearMonth", "gMonth", "gMonthDay", "gDay", "duration",
                              "yearMonthDuration", "dayTimeDuration")}
_NODE_KINDS = {
    SH.IRI: "isIRI(?val)", SH.BlankNode: "isBlank(?val)", SH.Literal: "isLiteral(?val)",
    SH.BlankNodeOrIRI: "(isBlank(?val) || isIRI(?val))", SH.BlankNodeOrLiteral: "(isBlank(?val) || isLiteral(?val))",
    SH.IRIOrLiteral: "(isIRI(?val) || isLiteral(?val))",
}
_NODE_SHAPE_KEYS = {RDF.type, SH.targetClass, SH.targetNode, SH.property, SH["or"], SH.message, SH.deactivated,
                    SH.severity, SH.name, SH.description}
_PROPERTY_KEYS = {SH.path, SH.minCount, SH.maxCount, SH["class"], SH.datatype, SH.nodeKind, SH["in"], SH.hasValue,
                  SH.message, SH.deactivated, SH.severity, SH.name, SH.description, SH.order, SH.group}
_PREFIXES = "PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>\n" \
            "PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"


class UnsupportedShape(ValueError):
    """A shape uses SHACL beyond the compiled subset."""


@dataclass(frozen=True)
class CompiledShape:
    shape: URIRef
    query: str


def _n3(term):
    if isinstance(term, BNode):
        raise UnsupportedShape(f"blank node {term} cannot be a constant in a compiled shape")
    return term.n3()


def _message(shapes, node, fallback):
    message = shapes.value(node, SH.message)
    return Literal(str(message)) if message is not None else Literal(fallback)


def _check_keys(shapes, node, allowed, what):
    extra = sorted(set(shapes.predicates(node)) - allowed)
    if extra:
        raise UnsupportedShape(f"{what} {node} uses {', '.join(extra)}, which the SPARQL compiler does not support")


def _focus(shapes, shape):
    parts = [f"{{ ?this rdf:type/rdfs:subClassOf* {_n3(c)} }}" for c in shapes.objects(shape, SH.targetClass)]
    nodes = " ".join(_n3(n) for n in shapes.objects(shape, SH.targetNode))
    if nodes:
        parts.append(f"{{ VALUES ?this {{ {nodes} }} }}")
    if not parts:
        raise UnsupportedShape(f"node shape {shape} has no sh:targetClass or sh:targetNode")
    return f"{{ SELECT DISTINCT ?this WHERE {{ {' UNION '.join(parts)} }} }}"


def _branch(focus, body, shape, path, message, value="?val"):
    binds = f"BIND ({_n3(shape)} AS ?shape) BIND ({_n3(message)} AS ?message) BIND (?this AS ?term)"
    if path is not None:
        binds += f" BIND ({_n3(path)} AS ?field)"
    if value:
        binds += f" BIND ({value} AS ?value)"
    return f"{{ {focus} {body} {binds} }}"


def _property_branches(shapes, shape, prop, focus):
    _check_keys(shapes, prop, _PROPERTY_KEYS, "property shape")
    path = shapes.value(prop, SH.path)
    if not isinstance(path, URIRef):
        raise UnsupportedShape(f"property shape of {shape} has a complex sh:path; only single IRIs are compiled")
    p = _n3(path)
    message = _message(shapes, prop, f"{path} does not conform")
    branches = []

    def add(body, value="?val"):
        branches.append(_branch(focus, body, shape, path, message, value))

    min_count = shapes.value(prop, SH.minCount)
    if min_count is not None and int(min_count) > 0:
        if int(min_count) == 1:
            add(f"OPTIONAL {{ ?this {p} ?val }} FILTER (!BOUND(?val))", value=None)
        else:
            add(f"{{ SELECT ?this (COUNT(DISTINCT ?val) AS ?n) WHERE {{ {focus} OPTIONAL {{ ?this {p} ?val }} }}"
                f" GROUP BY ?this }} FILTER (?n < {int(min_count)})", value=None)
    max_count = shapes.value(prop, SH.maxCount)
    if max_count is not None and int(max_count) == 1:  # a self-join: far cheaper than counting every node
        add(f"{{ SELECT DISTINCT ?this WHERE {{ ?this {p} ?val, ?other . FILTER (!sameTerm(?val, ?other)) }} }}",
            value=None)
    elif max_count is not None:
        add(f"{{ SELECT ?this (COUNT(DISTINCT ?val) AS ?n) WHERE {{ {focus} ?this {p} ?val }}"
            f" GROUP BY ?this }} FILTER (?n > {int(max_count)})", value=None)
    for cls in shapes.objects(prop, SH["class"]):
        add(f"?this {p} ?val . OPTIONAL {{ ?val rdf:type/rdfs:subClassOf* {_n3(cls)} . BIND (true AS ?ok) }}"
            " FILTER (!BOUND(?ok))")
    datatype = shapes.value(prop, SH.datatype)
    if datatype is not None:
        wellformed = f" && COALESCE(isLiteral({_n3(datatype)}(?val)), false)" if datatype in _CASTABLE else ""
        add(f"?this {p} ?val . FILTER (!(isLiteral(?val) && datatype(?val) = {_n3(datatype)}{wellformed}))")
    node_kind = shapes.value(prop, SH.nodeKind)
    if node_kind is not None:
        if node_kind not in _NODE_KINDS:
            raise UnsupportedShape(f"unknown sh:nodeKind {node_kind} in {shape}")
        add(f"?this {p} ?val . FILTER (!{_NODE_KINDS[node_kind]})")
    members = shapes.value(prop, SH["in"])
    if members is not None:
        allowed = " || ".join(f"sameTerm(?val, {_n3(m)})" for m in Collection(shapes, members)) or "false"
        add(f"?this {p} ?val . FILTER (!({allowed}))")
    for required in shapes.objects(prop, SH.hasValue):
        add(f"FILTER NOT EXISTS {{ ?this {p} {_n3(required)} }}", value=None)
    return branches


def _or_branch(shapes, shape, focus):
    """sh:or of property shapes that each require a value: violated when none has one (the
    value of a node-level result is the focus node, as in pyshacl)."""
    alternatives = []
    for member in Collection(shapes, shapes.value(shape, SH["or"])):
        _check_keys(shapes, member, {SH.path, SH.minCount}, "sh:or member")
        path = shapes.value(member, SH.path)
        if not isinstance(path, URIRef) or shapes.value(member, SH.minCount) != Literal(1):
            raise UnsupportedShape(f"sh:or in {shape}: only members with one IRI path and sh:minCount 1 are compiled")
        alternatives.append(f"NOT EXISTS {{ ?this {_n3(path)} ?any }}")
    message = _message(shapes, shape, f"{shape}: no alternative of sh:or conforms")
    return _branch(focus, f"FILTER ({' && '.join(alternatives)})", shape, None, message, value="?this")


def compile_node_shape(shapes: Graph, shape) -> CompiledShape:
    """One SELECT with a UNION branch per constraint of the node shape."""
    _check_keys(shapes, shape, _NODE_SHAPE_KEYS, "node shape")
    focus = _focus(shapes, shape)
    branches = []
    for prop in shapes.objects(shape, SH.property):
        if shapes.value(prop, SH.deactivated) != Literal(True):
            branches += _property_branches(shapes, shape, prop, focus)
    if shapes.value(shape, SH["or"]) is not None:
        branches.append(_or_branch(shapes, shape, focus))
    body = "\n  UNION ".join(branches) if branches else "FILTER (false)"
    query = f"{_PREFIXES}SELECT DISTINCT ?shape ?term ?field ?value ?message WHERE {{\n  {body}\n}}"
    return CompiledShape(shape=shape, query=query)


def compile_shapes(shapes: Graph) -> list[CompiledShape]:
    """Every active node shape of the graph, compiled (sorted by IRI, for stable output)."""
    compiled = []
    for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape))):
        if shapes.value(shape, SH.deactivated) == Literal(True):
            continue
        compiled.append(compile_node_shape(shapes, shape))
    return compiled
