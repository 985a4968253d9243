"""pyshacl with the shapes graph parsed and harvested once, reused for every validation.

``pyshacl.validate`` parses and harvests the shapes on each call. A Validator is still
made per call (it holds the per-call data graph), but its ShapesGraph is swapped for the
one prepared here. Measured on complete synthetic cities (bench/assess.py) this saves
only the parse and harvest (~40 ms); the validation work itself is unchanged and
dominates. This uses pyshacl's Validator and ShapesGraph classes of the pinned version;
the benchmark compares conformance with the plain ``pyshacl.validate`` call.
"""

import threading

import pyshacl
from pyshacl.graph_abstraction import DataGraph
from pyshacl.shapes_graph import ShapesGraph
from pyshacl.validator import Validator
from rdflib import Graph
from rdflib.namespace import RDF, RDFS, SKOS

from .namespaces import SSCMM

OPTIONS = {"inference": "none", "abort_on_first": False, "allow_infos": True, "allow_warnings": True,
           "advanced": False, "inplace": True}


class PreparedShapes:
    """A shapes graph harvested once; ``validate(data)`` returns (conforms, report graph)."""

    def __init__(self, shapes: Graph):
        self.graph = shapes
        self._shapes_graph = ShapesGraph(shapes)
        self._shapes = self._shapes_graph.shapes  # harvest now, not on the first call
        self._lock = threading.Lock()

    def validate(self, data: Graph):
        validator = Validator(DataGraph.from_rdflib(data), shacl_graph=_EMPTY, options=dict(OPTIONS))
        validator.shacl_graph = self._shapes_graph
        with self._lock:  # ShapesGraph caches lookups; keep one validation at a time on it
            conforms, report, _ = validator.run()
        return conforms, report


def whole_graph(model: Graph, *graphs: Graph):
    """The graphs plus the model facts shapes read (types, subclasses, KPI names, directions
    and value types): what a plain pyshacl call validates, as the reference the engine's
    narrower paths are compared with (tests, bench/assess.py)."""
    kpis = set(model.subjects(RDF.type, SSCMM.KPI))
    whole = Graph()
    for graph in graphs:
        whole += graph
    for s, p, o in model:
        if p in (RDF.type, RDFS.subClassOf) or s in kpis and p in (SKOS.prefLabel, SSCMM.direction, SSCMM.valueType):
            whole.add((s, p, o))
    return whole


def naive_validate(data: Graph, shapes: Graph):
    """The plain call, shapes parsed and harvested every time (the benchmark's baseline)."""
    conforms, report, _ = pyshacl.validate(data, shacl_graph=shapes, inference="none",
                                           allow_infos=True, allow_warnings=True)
    return conforms, report


_EMPTY = Graph()
