"""The level shapes compiled to SPARQL: the criteria pyshacl checks, run by the store.

A first step towards assessing every published city inside the store (issue 9): the
compiled queries come from the same shapes graph as pyshacl's validation, and
tests/test_level_sparql.py requires both to find the same failed criteria on every
example, fixture and generated city. pyshacl stays the validator of ``sscmm assess``.

Compiled: node shapes with ``sh:targetClass`` / ``sh:targetNode`` and ``sh:property``;
paths of IRIs, sequences, ``sh:inversePath``, ``sh:alternativePath`` and the
``sh:zeroOrMorePath`` / ``sh:oneOrMorePath`` / ``sh:zeroOrOnePath`` (SPARQL property
paths); ``sh:minCount``, ``sh:maxCount``, ``sh:class``, ``sh:node``,
``sh:qualifiedValueShape`` with ``sh:qualifiedMinCount``, ``sh:hasValue``,
``sh:disjoint``, ``sh:minInclusive``, ``sh:maxInclusive``, ``sh:datatype`` on property
shapes, and ``sh:class`` and ``sh:property`` on the node shapes that ``sh:node`` and
``sh:qualifiedValueShape`` name. Anything else raises UnsupportedShape when the shapes are
compiled, so a criterion is never silently skipped; so does a path that can be empty from a
``sh:targetNode`` (see ``named_violations``).

A constraint that asks for something to be absent is written as ``MINUS`` where that is
equivalent to ``FILTER NOT EXISTS``: where the patterns before it bind the variables the
pattern shares with them, and the pattern binds them in every solution (a path that can be
empty binds nothing from the data, so it keeps ``FILTER NOT EXISTS``). Stores run ``MINUS``
as one anti-join; ``FILTER NOT EXISTS`` as one lookup per row (15 µs a row in oxigraph,
1.4 s of one criterion over 1,000 published cities).

Each named node shape gives one SELECT whose rows are the keys of pyshacl's results:
``?focus`` (sh:focusNode), ``?value`` (sh:value, unbound where the constraint has none:
counts, sh:hasValue) and ``?message`` (the property shape's sh:message, as pyshacl gives).
"""

from dataclasses import dataclass
from itertools import combinations, count

from rdflib import Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.namespace import RDF, SH

from .coresparql import _PREFIXES, UnsupportedShape, _focus, _n3

_ANNOTATIONS = {SH.message, SH.severity, SH.name, SH.description, SH.order, SH.group}
_NODE_KEYS = {SH.targetClass, SH.targetNode, SH.property, SH["class"], SH.deactivated} | _ANNOTATIONS
_PROPERTY_KEYS = {SH.path, SH.minCount, SH.maxCount, SH["class"], SH.node, SH.qualifiedValueShape,
                  SH.qualifiedMinCount, SH.hasValue, SH.disjoint, SH.minInclusive, SH.maxInclusive, SH.datatype,
                  SH.deactivated} | _ANNOTATIONS
_PATH_OPERATORS = {SH.zeroOrMorePath: "*", SH.oneOrMorePath: "+", SH.zeroOrOnePath: "?"}


@dataclass(frozen=True)
class CompiledCriterion:
    """One named node shape (a level criterion) as a SELECT of its violations."""

    shape: URIRef
    query: str


class _Compiler:
    """``scope``: None (one city's graph: the store's default graph), or a variable naming
    the graph each focus node's data is in (sscmm.reassess: every published city at once);
    class membership then reads the types of the scope and of the model graph, and the
    class hierarchy of the model graph."""

    def __init__(self, shapes: Graph, scope=None, model_graph=None):
        self.shapes = shapes
        self.scope, self.model_graph = scope, model_graph
        self._names = count()

    def triple(self, subject, path, obj):
        """A triple (or property path) pattern, in the scope's graph when there is one."""
        pattern = f"{subject} {path} {obj} ."
        return f"GRAPH {self.scope} {{ {pattern} }}" if self.scope else pattern

    def instance_of(self, value, cls):
        """A pattern with a solution when ``value`` is an instance of ``cls`` (SHACL type)."""
        if not self.scope:
            return f"{value} rdf:type/rdfs:subClassOf* {_n3(cls)}"
        t, model = self.var("type"), f"GRAPH <{self.model_graph}>"

        def typed(c):
            return f"{{ GRAPH {self.scope} {{ {value} rdf:type {c} }} }} UNION {{ {model} {{ {value} rdf:type {c} }} }}"
        return f"{{ {typed(_n3(cls))} }} UNION {{ {typed(t)} {model} {{ {t} rdfs:subClassOf+ {_n3(cls)} }} }}"

    def var(self, stem):
        return f"?{stem}{next(self._names)}"

    # -- paths --------------------------------------------------------------------------

    def path(self, path):
        """A SHACL path as a SPARQL property path."""
        shapes = self.shapes
        if isinstance(path, URIRef):
            return _n3(path)
        if (path, RDF.first, None) in shapes:
            return "(" + "/".join(self.path(step) for step in Collection(shapes, path)) + ")"
        inverse = shapes.value(path, SH.inversePath)
        if inverse is not None:
            return f"^{self.path(inverse)}"
        alternatives = shapes.value(path, SH.alternativePath)
        if alternatives is not None:
            return "(" + "|".join(self.path(step) for step in Collection(shapes, alternatives)) + ")"
        for key, operator in _PATH_OPERATORS.items():
            inner = shapes.value(path, key)
            if inner is not None:
                return f"({self.path(inner)}){operator}"
        raise UnsupportedShape(f"path {path} is not a SHACL path the compiler knows")

    # -- violations ---------------------------------------------------------------------

    def _keys(self, node, allowed, what):
        """Refuse SHACL terms the compiler does not know (other vocabularies annotate)."""
        extra = sorted(p for p in set(self.shapes.predicates(node)) - allowed - {RDF.type} if p.startswith(SH))
        if extra:
            raise UnsupportedShape(f"{what} {node} uses {', '.join(extra)}, which the level compiler does not support")

    def _active(self, node):
        return self.shapes.value(node, SH.deactivated) != Literal(True)

    def _zero_length(self, path):
        """Whether the SHACL path can match no step (the focus node itself)."""
        shapes = self.shapes
        if isinstance(path, URIRef):
            return False
        if (path, RDF.first, None) in shapes:
            return all(self._zero_length(step) for step in Collection(shapes, path))
        if (path, SH.alternativePath, None) in shapes:
            return any(self._zero_length(step) for step in Collection(shapes, shapes.value(path, SH.alternativePath)))
        if (path, SH.inversePath, None) in shapes:
            return self._zero_length(shapes.value(path, SH.inversePath))
        if (path, SH.oneOrMorePath, None) in shapes:
            return self._zero_length(shapes.value(path, SH.oneOrMorePath))
        return True  # sh:zeroOrMorePath, sh:zeroOrOnePath

    @staticmethod
    def _absent(pattern, anchored):
        """A fragment that keeps the rows for which ``pattern`` has no solution: an anti-join
        (MINUS) when ``anchored``, i.e. the pattern binds the variables it shares with the
        rows in every solution; else FILTER NOT EXISTS."""
        return f"MINUS {{ {pattern} }}" if anchored else f"FILTER NOT EXISTS {{ {pattern} }}"

    def node_violations(self, shape, focus, anchored=True):
        """[(fragment, value or None, the shape it comes from)]: one per constraint of the node
        shape at ``focus``; appended to patterns that bind ``focus`` (and the scope), each
        fragment has a solution when the constraint is violated. Not ``anchored``: the
        fragments stand alone in a group, ``focus`` substituted (inside NOT EXISTS)."""
        self._keys(shape, _NODE_KEYS, "node shape")
        if any(t != SH.NodeShape for t in self.shapes.objects(shape, RDF.type)):
            raise UnsupportedShape(f"{shape} is typed other than sh:NodeShape")
        found = []
        for cls in self.shapes.objects(shape, SH["class"]):
            found.append((self._absent(self.instance_of(focus, cls), anchored), focus, shape))
        for prop in sorted(self.shapes.objects(shape, SH.property)):
            if self._active(prop):
                found += self.property_violations(prop, focus, anchored)
        return found

    def named_violations(self, shape):
        """node_violations of a named node shape at ``?this``. A path that can be empty from a
        sh:targetNode is refused: oxigraph matches a zero-length path only from a term in the
        data, and a named focus node need not be in it (pyshacl then takes the node as its
        own value)."""
        if (shape, SH.targetNode, None) in self.shapes:
            for prop in self.shapes.objects(shape, SH.property):
                if self._active(prop) and self._zero_length(self.shapes.value(prop, SH.path)):
                    raise UnsupportedShape(f"{shape} names its focus nodes (sh:targetNode) and {prop} has a path "
                                           "that can be empty, which the compiled SPARQL cannot follow from a node "
                                           "that is not in the data")
        return self.node_violations(shape, "?this")

    def conforms(self, shape, focus):
        """A FILTER condition: ``focus`` conforms to the node shape."""
        violations = self.node_violations(shape, focus, anchored=False)
        if not violations:
            return "true"
        return "NOT EXISTS { " + " UNION ".join(f"{{ {pattern} }}" for pattern, _, _ in violations) + " }"

    def _distinct_values(self, focus, path, n, condition=None):
        """A pattern with a solution when ``focus`` has at least n distinct values on the path
        (each meeting the condition on its variable, when given)."""
        values = [self.var("v") for _ in range(n)]
        parts = [self.triple(focus, path, v) for v in values]
        if condition is not None:
            parts += [f"FILTER ({condition(v)})" for v in values]
        parts += [f"FILTER (!sameTerm({a}, {b}))" for a, b in combinations(values, 2)]
        return " ".join(parts)

    def _conforming_value(self, focus, path, shape):
        """A pattern binding a value of ``focus`` on the path that conforms to ``shape``:
        the values, less those with a violation (anti-joins throughout)."""
        value = self.var("v")
        values = self.triple(focus, path, value)
        violations = self.node_violations(shape, value)
        if not violations:
            return values
        return f"{values} MINUS {{ " + " UNION ".join(f"{{ {values} {pattern} }}" for pattern, _, _ in violations) + " }"

    def property_violations(self, prop, focus, anchored=True):
        shapes = self.shapes
        self._keys(prop, _PROPERTY_KEYS, "property shape")
        if any(t != SH.PropertyShape for t in shapes.objects(prop, RDF.type)):
            raise UnsupportedShape(f"{prop} is typed other than sh:PropertyShape")
        path_node = shapes.value(prop, SH.path)
        path = self.path(path_node)
        # a pattern from focus along the path binds focus in every solution unless the path can be empty
        along = anchored and not self._zero_length(path_node)
        found = []

        def add(pattern, value=None):
            found.append((pattern, value, prop))

        min_count = shapes.value(prop, SH.minCount)
        if min_count is not None and int(min_count) > 0:
            add(self._absent(self._distinct_values(focus, path, int(min_count)), along))
        max_count = shapes.value(prop, SH.maxCount)
        if max_count is not None:  # a join: the SELECTs are DISTINCT
            add(self._distinct_values(focus, path, int(max_count) + 1))
        qualified = shapes.value(prop, SH.qualifiedValueShape)
        if qualified is not None:
            minimum = shapes.value(prop, SH.qualifiedMinCount)
            if minimum is None:
                raise UnsupportedShape(f"{prop}: sh:qualifiedValueShape without sh:qualifiedMinCount")
            minimum = int(minimum)
            if minimum == 1 and along:
                add(self._absent(self._conforming_value(focus, path, qualified), True))
            elif minimum > 0:
                pattern = self._distinct_values(focus, path, minimum, lambda v: self.conforms(qualified, v))
                add(f"FILTER NOT EXISTS {{ {pattern} }}")
        for required in shapes.objects(prop, SH.hasValue):
            add(self._absent(self.triple(focus, path, _n3(required)), along))

        def each_value(condition):
            value = self.var("value")
            add(f"{self.triple(focus, path, value)} FILTER ({condition(value)})", value)

        def each_value_with(fragment):
            """The values for which ``fragment`` (anchored on the value) has a solution."""
            value = self.var("value")
            add(f"{self.triple(focus, path, value)} {fragment(value)}", value)

        for cls in shapes.objects(prop, SH["class"]):
            each_value_with(lambda v, c=cls: self._absent(self.instance_of(v, c), True))
        for node in shapes.objects(prop, SH.node):
            value = self.var("value")
            for pattern, _value, _source in self.node_violations(node, value):
                add(f"{self.triple(focus, path, value)} {pattern}", value)
        for other in shapes.objects(prop, SH.disjoint):
            each_value_with(lambda v, o=other: self.triple(focus, _n3(o), v))
        for limit in shapes.objects(prop, SH.minInclusive):
            each_value(lambda v, m=limit: f"!COALESCE({v} >= {_n3(m)}, false)")
        for limit in shapes.objects(prop, SH.maxInclusive):
            each_value(lambda v, m=limit: f"!COALESCE({v} <= {_n3(m)}, false)")
        for datatype in shapes.objects(prop, SH.datatype):
            each_value(lambda v, d=datatype: f"!(isLiteral({v}) && datatype({v}) = {_n3(d)})")
        return found

    # -- named node shapes --------------------------------------------------------------

    def criterion(self, shape):
        focus = _focus(self.shapes, shape)  # binds ?this, as the input shapes' queries do
        branches = []
        for pattern, value, source in self.named_violations(shape):
            message = self.shapes.value(source, SH.message) or self.shapes.value(shape, SH.message) or Literal("")
            bind_value = f" BIND ({value} AS ?value)" if value is not None else ""
            branches.append(f"{{ {focus} {pattern}{bind_value} BIND ({Literal(str(message)).n3()} AS ?message) }}")
        body = "\n  UNION ".join(branches) if branches else "FILTER (false)"
        return CompiledCriterion(shape, f"{_PREFIXES}SELECT DISTINCT (?this AS ?focus) ?value ?message WHERE {{\n  {body}\n}}")


def compile_level_shapes(shapes: Graph) -> list[CompiledCriterion]:
    """Every active named node shape of the level shapes, compiled (sorted by IRI)."""
    compiler = _Compiler(shapes)
    return [compiler.criterion(shape) for shape in sorted(set(shapes.subjects(RDF.type, SH.NodeShape)))
            if isinstance(shape, URIRef) and compiler._active(shape)]
