"""The embedded store of published assessments: one pyoxigraph Store on disk per process.

A publication is written in one transaction (one ``Store.extend``), so a failure leaves
nothing behind:

- ``urn:sscmm:assessment:{id}``: the city's graph as published;
- ``urn:sscmm:result:{id}``: its computed result (validation report, derived facts, PROV)
  and the JSON view of the result (``rdf:value``, an ``rdf:JSON`` literal);
- ``urn:sscmm:catalogue``: a DCAT record per assessment (identifier, assessment, city,
  publication time), so listing cities is one small query (joined with the other graphs
  for the date, the city's name and the overall level).

``urn:sscmm:model`` holds the model files (``ontology/``), reloaded at start, so SPARQL
queries can join published data with level and KPI labels.

The id of an assessment is derived from its IRI: the same assessment cannot be published
twice (re-publishing is refused with its existing id), and ``--demo`` is idempotent.
"""

import hashlib
import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import pyoxigraph as ox
from rdflib import Literal, URIRef

from .namespaces import DCAT, DCTERMS, FOAF, PREFIXES, RDF, XSD, local_name
from .rdfio import InputError
from .terms import to_ox

CATALOGUE_GRAPH = ox.NamedNode("urn:sscmm:catalogue")
MODEL_GRAPH = ox.NamedNode("urn:sscmm:model")
RDF_JSON = ox.NamedNode(str(RDF.JSON))
PREFIX_IRIS = {prefix: str(ns) for prefix, ns in PREFIXES.items()}


def assessment_graph(assessment_id):
    return ox.NamedNode(f"urn:sscmm:assessment:{assessment_id}")


def result_graph(assessment_id):
    return ox.NamedNode(f"urn:sscmm:result:{assessment_id}")


def short_id(iri):
    """A stable, URL-safe id for an IRI (an assessment's or a city's)."""
    return hashlib.sha256(str(iri).encode("utf-8")).hexdigest()[:12]


def oxigraph_triples(graph):
    """The graph's triples as pyoxigraph terms; a term the store cannot hold (an IRI with a
    space, a malformed language tag) is an InputError, found before anything is assessed."""
    triples = []
    for triple in graph:
        try:
            triples.append(ox.Triple(*(to_ox(t) for t in triple)))
        except ValueError:
            raise InputError(_why_unstorable(triple)) from None
    return triples


def _why_unstorable(triple):
    for term in triple:
        try:
            to_ox(term)
        except ValueError as err:
            return f"{_shown(term)} cannot be stored as RDF: {err}"
    return f"the triple {' '.join(_shown(t) for t in triple)} cannot be stored as RDF"


def _shown(term):
    """A term as written in Turtle (rdflib's n3() refuses the invalid IRIs shown here)."""
    return f"<{term}>" if isinstance(term, URIRef) else f'"{term}"' if isinstance(term, Literal) else f"_:{term}"


class PublishError(Exception):
    """A publication that is refused; nothing was written."""


class NotAssessable(PublishError):
    def __init__(self, errors):
        super().__init__(f"{len(errors)} input error(s)")
        self.errors = errors


class WrongCity(PublishError):
    def __init__(self, city, allowed):
        super().__init__(f"the assessment is for {city}, the token publishes for {allowed}")
        self.city, self.allowed = city, allowed


class AlreadyPublished(PublishError):
    def __init__(self, assessment_id, assessment):
        super().__init__(f"assessment {assessment} is already published as {assessment_id}")
        self.id, self.assessment = assessment_id, assessment


@dataclass(frozen=True)
class Record:
    """One published assessment, as the catalogue describes it."""

    id: str
    assessment: str
    city: str
    city_id: str
    city_name: str
    date: str | None
    level_iri: str
    level_order: int | None
    level_name: str
    model: str
    published: str

    def as_dict(self):
        return {"id": self.id, "assessment": self.assessment, "date": self.date,
                "overall_level": {"order": self.level_order, "name": self.level_name, "iri": self.level_iri},
                "model": self.model, "published": self.published, "link": f"/assessments/{self.id}"}


#: The catalogue holds only statements about its records, so no triple of the assessment,
#: result or model graphs is repeated there (pyoxigraph 0.5's union default graph matches a
#: triple once per graph that holds it); the rest is read from those graphs. The
#: OPTIONALs wrap GRAPH ?record, not the other way round: SPARQL evaluates a group bottom
#: up, so inside the GRAPH block ?city would not yet be the record's city.
_Q_RECORDS = """
SELECT ?id ?assessment ?city ?prefLabel ?label ?date ?level ?order ?levelName ?model ?published WHERE {
    GRAPH <urn:sscmm:catalogue> {
        ?record dcterms:identifier ?id ; foaf:primaryTopic ?assessment ; dcterms:spatial ?city ;
                dcterms:issued ?published .
    }
    GRAPH ?record { ?assessment sscmm:usesModel ?model }
    OPTIONAL { GRAPH ?record { ?assessment sscmm:assessmentDate ?date } }
    OPTIONAL { GRAPH ?record { ?city skos:prefLabel ?prefLabel } }
    OPTIONAL { GRAPH ?record { ?city rdfs:label ?label } }
    BIND (IRI(CONCAT("urn:sscmm:result:", ?id)) AS ?results)
    GRAPH ?results { ?assessment sscmm:attainedLevel ?level }
    OPTIONAL { GRAPH <urn:sscmm:model> { ?level sscmm:levelOrder ?order . OPTIONAL { ?level skos:prefLabel ?levelName } } }
} ORDER BY ?date ?published ?id ?prefLabel ?label"""


def _value(term):
    return term.value if term is not None else None


@dataclass
class _Snapshot:
    path: Path
    generation: int
    readers: int = 0


class AssessmentStore:
    """Published assessments in ``DATA_DIR/store``; writes are serialised by one lock."""

    def __init__(self, data_dir):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = ox.Store(str(self.data_dir / "store"))
        self._write_lock = threading.Lock()
        self._generation = 0
        self._snapshots_dir = self.data_dir / "snapshots"
        shutil.rmtree(self._snapshots_dir, ignore_errors=True)  # only this process uses them
        self._snapshots = []

    # -- writing ----------------------------------------------------------------------

    def load_model(self, model):
        """Replace the model graph with the model as loaded now (an rdflib Graph)."""
        quads = [ox.Quad(t.subject, t.predicate, t.object, MODEL_GRAPH) for t in oxigraph_triples(model)]
        with self._write_lock:
            self.store.remove_graph(MODEL_GRAPH)
            self.store.extend(quads)
            self._generation += 1

    def publish(self, triples, result, for_city=None):
        """Store a city's graph (``oxigraph_triples`` of it) with its AssessmentResult.

        ``for_city``: the city a token may publish for (None: no restriction). Raises a
        PublishError, having written nothing, when the result has input errors, is for
        another city, or its assessment is already published. Returns the Record.
        """
        if not result.valid:
            raise NotAssessable(result.input_errors)
        summary = result.as_dict()
        city, assessment = summary["city"]["iri"], summary["assessment"]["iri"]
        if for_city is not None and city != for_city:
            raise WrongCity(city, for_city)
        assessment_id = short_id(assessment)
        level = summary["overall_level"]
        record = Record(
            id=assessment_id, assessment=assessment, city=city, city_id=short_id(city),
            city_name=summary["city"]["name"], date=summary["assessment"]["date"], level_iri=level["iri"],
            level_order=level["order"], level_name=level["name"], model=summary["model"]["iri"],
            published=datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"))
        graph_name, results_name = assessment_graph(assessment_id), result_graph(assessment_id)
        quads = [ox.Quad(t.subject, t.predicate, t.object, graph_name) for t in triples]
        quads += [ox.Quad(t.subject, t.predicate, t.object, results_name) for t in oxigraph_triples(result.to_graph())]
        quads.append(ox.Quad(results_name, ox.NamedNode(str(RDF.value)), ox.Literal(result.to_json(), datatype=RDF_JSON),
                             results_name))
        quads += [ox.Quad(*(to_ox(t) for t in triple), CATALOGUE_GRAPH) for triple in _catalogue_triples(record)]
        with self._write_lock:
            if self.record(assessment_id) is not None:
                raise AlreadyPublished(assessment_id, assessment)
            self.store.extend(quads)
            self._generation += 1
        return record

    # -- reading ----------------------------------------------------------------------

    def records(self, assessment_id=None, city_id=None):
        """Catalogue records, by date, then publication time."""
        bindings = {ox.Variable("id"): ox.Literal(assessment_id)} if assessment_id is not None else {}
        records = {}
        for row in self.store.query(_Q_RECORDS, prefixes=PREFIX_IRIS, substitutions=bindings):
            rid, city = row["id"].value, row["city"].value
            if rid in records or (city_id is not None and short_id(city) != city_id):
                continue  # several labels: the first (sorted) is the name, as in the result
            order = row["order"]
            records[rid] = Record(
                id=rid, assessment=row["assessment"].value, city=city, city_id=short_id(city),
                city_name=_value(row["prefLabel"]) or _value(row["label"]) or local_name(city),
                date=_value(row["date"]), level_iri=row["level"].value,
                level_order=int(order.value) if order is not None else None,
                level_name=_value(row["levelName"]) or "", model=row["model"].value,
                published=row["published"].value)
        return list(records.values())

    def record(self, assessment_id):
        found = self.records(assessment_id=assessment_id)
        return found[0] if found else None

    def result_json(self, assessment_id):
        name = result_graph(assessment_id)
        for quad in self.store.quads_for_pattern(name, ox.NamedNode(str(RDF.value)), None, name):
            return quad.object.value
        return None

    def serialize(self, assessment_id, fmt, with_result=False):
        """The published graph in an RDF format; with_result (for TriG): the result graph
        too, as a second named graph."""
        names = [assessment_graph(assessment_id)] + ([result_graph(assessment_id)] if with_result else [])
        if with_result:
            quads = [q for name in names for q in self.store.quads_for_pattern(None, None, None, name)]
            return ox.serialize(quads, format=fmt, prefixes=PREFIX_IRIS)
        return self.store.dump(format=fmt, from_graph=names[0], prefixes=PREFIX_IRIS)

    # -- snapshots for SPARQL workers ---------------------------------------------------

    @contextmanager
    def snapshot(self):
        """The path of a read-only copy of the store as it is now, for another process.

        RocksDB allows no reader process beside a writer, so queries run on a checkpoint
        (hard links, cheap), made when the store has changed since the last one. A
        snapshot is removed once it is no longer the latest and no query reads it.
        """
        with self._write_lock:
            latest = self._snapshots[-1] if self._snapshots else None
            if latest is None or latest.generation != self._generation:
                self._snapshots_dir.mkdir(parents=True, exist_ok=True)
                latest = _Snapshot(self._snapshots_dir / str(self._generation), self._generation)
                self.store.backup(str(latest.path))
                self._snapshots.append(latest)
                self._remove_unread_snapshots()
            latest.readers += 1
        try:
            yield str(latest.path)
        finally:
            with self._write_lock:
                latest.readers -= 1
                self._remove_unread_snapshots()

    def _remove_unread_snapshots(self):
        for snap in self._snapshots[:-1]:
            if snap.readers == 0:
                shutil.rmtree(snap.path, ignore_errors=True)
        self._snapshots = [s for s in self._snapshots[:-1] if s.readers > 0] + self._snapshots[-1:]

    def close(self):
        """Flush and release the store (RocksDB allows one writer: a reopen needs this)."""
        self.store.flush()
        self.store = None
        shutil.rmtree(self._snapshots_dir, ignore_errors=True)


def _catalogue_triples(record):
    node = URIRef(assessment_graph(record.id).value)
    return [
        (node, RDF.type, DCAT.Dataset),
        (node, DCTERMS.identifier, Literal(record.id)),
        (node, FOAF.primaryTopic, URIRef(record.assessment)),
        (node, DCTERMS.spatial, URIRef(record.city)),
        (node, DCTERMS.issued, Literal(record.published, datatype=XSD.dateTime)),
    ]
