"""Published assessments: one store interface, two implementations.

- ``sscmm.embedded.EmbeddedStore``: a pyoxigraph Store on disk in the process (default);
- ``sscmm.remote.RemoteStore``: any SPARQL 1.1 server (Oxigraph server, Virtuoso,
  GraphDB, Neptune ...), over the Query and Update protocols and, where the server has
  one, the Graph Store Protocol.

Both hold the same graphs:

- ``urn:sscmm:assessment:{id}``: the city's graph as published;
- ``urn:sscmm:result:{id}``: its computed result (validation report, derived facts: levels
  per aspect, dimension and sub-dimension, KPI value summaries and checks, failed
  criteria; PROV), the JSON view of the result (``rdf:value``, an ``rdf:JSON`` literal)
  and the facts the cross-city analyses read (``sscmm.analysisfacts``: reporting coverage;
  on each KPI value summary its KPI or data point, observations and matrix targets);
- ``urn:sscmm:catalogue``: a DCAT record per assessment (identifier, assessment, city,
  publication time), so listing cities is one small query (joined with the other graphs
  for the date, the city's name and the overall level). A publication is listed once its
  record is there: the record is written last (in the same transaction on the embedded
  store), so a partial publication is never listed;
- ``urn:sscmm:model``: the model files (``ontology/``), ``urn:sscmm:shapes``: the level
  shapes (whose ``sscmm:level`` and ``sscmm:aspect`` say what a failed criterion is) and
  ``urn:sscmm:benchmarks``: the benchmark sets (``data/benchmarks/``), all replaced at
  start, so queries can join published data with the model.

The id of an assessment is derived from its IRI: the same assessment cannot be published
twice (re-publishing is refused with its existing id), and ``--demo`` and ``sscmm load``
are idempotent.
"""

import hashlib
from abc import ABC, abstractmethod
from dataclasses import dataclass
from datetime import UTC, datetime

import pyoxigraph as ox
from rdflib import Literal, URIRef

from .analysisfacts import METRICS, analysis_facts
from .kpistanding import STANDING_PREFIX, standing_for
from .namespaces import DCAT, DCTERMS, FOAF, PREFIXES, RDF, XSD, local_name
from .rdfio import InputError, ox_triples_of
from .terms import to_ox

CATALOGUE_GRAPH = ox.NamedNode("urn:sscmm:catalogue")
MODEL_GRAPH = ox.NamedNode("urn:sscmm:model")
SHAPES_GRAPH = ox.NamedNode("urn:sscmm:shapes")
BENCHMARKS_GRAPH = ox.NamedNode("urn:sscmm:benchmarks")
RDF_JSON = ox.NamedNode(str(RDF.JSON))
RDF_VALUE = ox.NamedNode(str(RDF.value))
DCTERMS_IDENTIFIER = ox.NamedNode(str(DCTERMS.identifier))
PREFIX_IRIS = {prefix: str(ns) for prefix, ns in PREFIXES.items()}
#: The prefixes as a SPARQL prologue, for stores that take no prefix mapping.
PROLOGUE = "".join(f"PREFIX {prefix}: <{iri}>\n" for prefix, iri in PREFIX_IRIS.items())


def assessment_graph(assessment_id):
    return ox.NamedNode(f"urn:sscmm:assessment:{assessment_id}")


def result_graph(assessment_id):
    return ox.NamedNode(f"urn:sscmm:result:{assessment_id}")


def short_id(iri):
    """A stable, URL-safe id for an IRI (an assessment's or a city's)."""
    return hashlib.sha256(str(iri).encode("utf-8")).hexdigest()[:12]


def oxigraph_triples(graph):
    """The graph's triples as pyoxigraph terms; a term the store cannot hold (an IRI with a
    space, a malformed language tag) is an InputError, found before anything is assessed.
    A graph pyoxigraph parsed (rdfio.ParsedGraph) gives the triples it was read as."""
    parsed = ox_triples_of(graph)
    if parsed is not None:
        return list(parsed)
    triples = []
    for triple in graph:
        try:
            triples.append(ox.Triple(*(to_ox(t) for t in triple)))
        except (ValueError, TypeError):  # TypeError: a literal as subject or predicate
            raise InputError(_why_unstorable(triple)) from None
    return triples


def _why_unstorable(triple):
    for term in triple:
        try:
            to_ox(term)
        except ValueError as err:
            return f"{_shown(term)} cannot be stored as RDF: {err}"
    for term, place in zip(triple[:2], ("subject", "predicate")):
        if isinstance(term, Literal) or (place == "predicate" and not isinstance(term, URIRef)):
            return f"{_shown(term)} cannot be the {place} of a statement"
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


class StoreUnavailable(Exception):
    """The store cannot be reached or did not answer in time (the service answers 503)."""


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


@dataclass(frozen=True)
class Publication:
    """What publishing one assessment writes: its record and the triples of each graph
    (the catalogue's last). Built once; any store writes it (bench/analysis.py caches it)."""

    record: Record
    graphs: dict  # graph NamedNode -> list of ox.Triple, in writing order

    def quads(self):
        return [ox.Quad(t.subject, t.predicate, t.object, name) for name, triples in self.graphs.items()
                for t in triples]


def publication(triples, result, for_city=None, published=None):
    """The Publication of a city's graph (``oxigraph_triples`` of it) and its
    AssessmentResult; a PublishError when the result has input errors or is for another
    city than ``for_city`` (None: any city)."""
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
        published=published or datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"))
    results_name = result_graph(assessment_id)
    result_triples = oxigraph_triples(result.to_graph())
    result_triples += analysis_facts(ox.NamedNode(assessment), triples, result_triples, results_name)
    result_triples.append(ox.Triple(results_name, RDF_VALUE, ox.Literal(result.to_json(), datatype=RDF_JSON)))
    standing = standing_for(result.engine)
    standing_triples = standing.facts(ox.NamedNode(assessment), assessment_id, triples, result_triples)
    catalogue = [ox.Triple(*(to_ox(t) for t in triple)) for triple in _catalogue_triples(record)]
    return Publication(record, {assessment_graph(assessment_id): list(triples), results_name: result_triples,
                                standing.graph(assessment_id): standing_triples, CATALOGUE_GRAPH: catalogue})


def _catalogue_triples(record):
    node = URIRef(assessment_graph(record.id).value)
    return [
        (node, RDF.type, DCAT.Dataset),
        (node, DCTERMS.identifier, Literal(record.id)),
        (node, FOAF.primaryTopic, URIRef(record.assessment)),
        (node, DCTERMS.spatial, URIRef(record.city)),
        (node, DCTERMS.issued, Literal(record.published, datatype=XSD.dateTime)),
    ]


#: The catalogue holds only statements about its records, so no triple of the assessment,
#: result or model graphs is repeated there (pyoxigraph 0.5's union default graph matches a
#: triple once per graph that holds it); the rest is read from those graphs. The
#: OPTIONALs wrap GRAPH ?record, not the other way round: SPARQL evaluates a group bottom
#: up, so inside the GRAPH block ?city would not yet be the record's city. ``%(only)s`` is
#: empty or a VALUES block naming one id. The model is the one the result was assessed
#: against (results stored before there was more than one model: the one declared).
_Q_RECORDS = """
SELECT ?id ?assessment ?city ?prefLabel ?label ?date ?level ?order ?levelName ?model ?published WHERE {
    %(only)s
    GRAPH <urn:sscmm:catalogue> {
        ?record dcterms:identifier ?id ; foaf:primaryTopic ?assessment ; dcterms:spatial ?city ;
                dcterms:issued ?published .
    }
    OPTIONAL { GRAPH ?record { ?assessment sscmm:assessmentDate ?date } }
    OPTIONAL { GRAPH ?record { ?city skos:prefLabel ?prefLabel } }
    OPTIONAL { GRAPH ?record { ?city rdfs:label ?label } }
    BIND (IRI(CONCAT("urn:sscmm:result:", ?id)) AS ?results)
    GRAPH ?results { ?assessment sscmm:attainedLevel ?level }
    OPTIONAL { GRAPH ?results { ?assessment sscmm:assessedAgainst ?against } }
    OPTIONAL { GRAPH ?record { ?assessment sscmm:usesModel ?declared } }
    BIND (COALESCE(?against, ?declared) AS ?model)
    OPTIONAL { GRAPH <urn:sscmm:model> { ?level sscmm:levelOrder ?order . OPTIONAL { ?level skos:prefLabel ?levelName } } }
} ORDER BY ?date ?published ?id ?prefLabel ?label"""


#: The publications whose result graph lacks the analysis facts (stored before they existed):
#: no reporting-coverage measurement of their assessment.
_Q_WITHOUT_FACTS = f"""
SELECT ?id ?assessment WHERE {{
    GRAPH <urn:sscmm:catalogue> {{ ?record dcterms:identifier ?id ; foaf:primaryTopic ?assessment }}
    FILTER NOT EXISTS {{
        GRAPH ?results {{ ?measurement dqv:isMeasurementOf <{METRICS[0].value}> ; dqv:computedOn ?assessment }}
    }}
}} ORDER BY ?id"""


def records_query(assessment_id=None):
    """The catalogue query (prefixes not included), for every record or one id."""
    only = f"VALUES ?id {{ {ox.Literal(assessment_id)} }}" if assessment_id is not None else ""
    return _Q_RECORDS % {"only": only}


def records_from_rows(rows, city_id=None):
    """Records from the solutions of ``records_query`` (pyoxigraph terms), one per id."""
    records = {}
    for row in rows:
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


def _value(term):
    return term.value if term is not None else None


class Store(ABC):
    """What the service, ``sscmm load`` and the analysis library need from a store. The
    API behaves the same on every implementation (tests/test_stores.py runs it on each)."""

    @abstractmethod
    def replace_graphs(self, graphs):
        """Replace whole graphs (the model, shapes and benchmark graphs): a dict of graph
        name (NamedNode) to rdflib Graph."""

    @abstractmethod
    def replace_triples(self, graphs):
        """Replace whole graphs with triples: a dict of graph name (NamedNode) to ox.Triples
        (``sscmm reassess``: one reassessment graph per publication)."""

    @abstractmethod
    def write(self, publication):
        """Write a Publication; AlreadyPublished (nothing written) when its id is listed."""

    def write_many(self, publications):
        """Write several Publications (``sscmm load``, the bench); those whose id is listed
        already (or repeated) are skipped. The records written, in order. A store with a
        faster way to write many overrides this."""
        written = []
        for prepared in publications:
            try:
                self.write(prepared)
            except AlreadyPublished:
                continue
            written.append(prepared.record)
        return written

    def optimize(self):
        """Make the store ready for queries after a bulk load (``sscmm load``); a server
        has its own ways, so nothing by default."""

    def publish(self, triples, result, for_city=None):
        """Check and store a city's graph (``oxigraph_triples`` of it) with its
        AssessmentResult. Raises a PublishError, having written nothing, when the result
        has input errors, is for another city than ``for_city``, or its assessment is
        already published. Returns the Record."""
        prepared = publication(triples, result, for_city)
        self.write(prepared)
        return prepared.record

    @abstractmethod
    def select(self, query):
        """The solutions (rows of pyoxigraph terms) of one of the service's own SELECT queries
        (the project's prefixes need not be declared)."""

    @abstractmethod
    def graph_triples(self, name):
        """The triples of a graph (a NamedNode), as pyoxigraph Triples."""

    @abstractmethod
    def add_triples(self, name, triples):
        """Add triples to a graph; nothing else changes."""

    def add_missing_facts(self):
        """Add the analysis facts (``sscmm.analysisfacts``) to every publication stored
        without them, computed from its stored graphs (no assessment is run again); the
        number of publications upgraded (0 once done, so a restart costs one query)."""
        rows = self.select(_Q_WITHOUT_FACTS)
        for row in rows:
            assessment_id = row["id"].value
            results = result_graph(assessment_id)
            facts = analysis_facts(row["assessment"], self.graph_triples(assessment_graph(assessment_id)),
                                   self.graph_triples(results), results)
            self.add_triples(results, facts)
        return len(rows)

    def add_missing_standing(self, standing, ids=None, progress=None, batch=50):
        """Write the KPI standing graph (``sscmm.kpistanding``) of every publication (or of
        those ids) that has none under the Standing's directions, computed from its stored
        graphs (no assessment is run again); the number written (0 once done: one query)."""
        only = ("VALUES ?id { " + " ".join(f'"{i}"' for i in sorted(ids)) + " }") if ids is not None else ""
        rows = self.select(f"""SELECT ?id ?a WHERE {{
            GRAPH <{CATALOGUE_GRAPH.value}> {{ ?record dcterms:identifier ?id ; foaf:primaryTopic ?a }} {only}
            BIND (IRI(CONCAT("{STANDING_PREFIX}{standing.digest}:", ?id)) AS ?g)
            FILTER NOT EXISTS {{ GRAPH ?g {{ ?g sscmm:directionsDigest ?digest }} }}
        }}""")
        say = progress or (lambda _message: None)
        for start in range(0, len(rows), batch):
            graphs = {}
            for row in rows[start:start + batch]:
                assessment_id = row["id"].value
                graphs[standing.graph(assessment_id)] = standing.facts(
                    row["a"], assessment_id, self.graph_triples(assessment_graph(assessment_id)),
                    self.graph_triples(result_graph(assessment_id)))
            self.replace_triples(graphs)
            say(f"KPI standing under directions {standing.digest}: {start + len(graphs)}/{len(rows)} publications")
        return len(rows)

    @abstractmethod
    def is_listed(self, assessment_id):
        """Whether the catalogue lists the id (a cheap look-up, for every write)."""

    @abstractmethod
    def records(self, assessment_id=None, city_id=None):
        """Catalogue records, by date, then publication time."""

    def record(self, assessment_id):
        found = self.records(assessment_id=assessment_id)
        return found[0] if found else None

    @abstractmethod
    def result_json(self, assessment_id):
        """The stored JSON result (text), or None."""

    @abstractmethod
    def serialize(self, assessment_id, fmt, with_result=False):
        """The published graph in an RDF format (pyoxigraph RdfFormat); with_result (for
        TriG): the result graph too, as a second named graph."""

    @abstractmethod
    def query(self, query, media_type, default_graphs=(), named_graphs=()):
        """Evaluate a checked read-only query (``queries.check_query``) within the time
        limit and row cap: a ``queries.Answer``, or QueryTimeout / QueryFailed."""

    @abstractmethod
    def dump(self):
        """Every quad of the store as sorted N-Quads lines (bytes): to compare states."""

    def counts(self):
        """(assessments, cities) published, for /health: fails when the store does."""
        records = self.records()
        return len(records), len({r.city_id for r in records})

    def close(self):
        """Release what the store holds (processes, files)."""


def open_store(config):
    """The store the configuration names: ``STORE`` is ``embedded`` (``DATA_DIR``) or
    ``sparql`` (``QUERY_URL``, ``UPDATE_URL``, optional ``GSP_URL``)."""
    kind = config.get("STORE", "embedded")
    limits = {"timeout": config["SPARQL_TIMEOUT"], "max_rows": config["SPARQL_MAX_ROWS"]}
    if kind == "embedded":
        from .embedded import EmbeddedStore

        return EmbeddedStore(config["DATA_DIR"], workers=config["SPARQL_WORKERS"], **limits)
    if kind == "sparql":
        from .remote import RemoteStore

        if not config.get("QUERY_URL") or not config.get("UPDATE_URL"):
            raise ValueError("a SPARQL store needs a query URL and an update URL (SSCMM_QUERY_URL, SSCMM_UPDATE_URL)")
        return RemoteStore(config["QUERY_URL"], config["UPDATE_URL"], gsp_url=config.get("GSP_URL") or None,
                           store_timeout=config.get("STORE_TIMEOUT", 60), **limits)
    raise ValueError(f"unknown store {kind!r}: embedded or sparql")
