"""A SPARQL 1.1 server as the store (Oxigraph server, Virtuoso, GraphDB, Neptune ...).

Reached with SPARQLWrapper: queries at the query URL, writes at the update URL, and, when
the server has one (``gsp_url``), whole graphs PUT with the Graph Store Protocol. The
graphs are those of ``sscmm.store``; every query names its graphs with ``GRAPH``, so the
server's default graph (union or not) does not matter to the service.

A publication is written graph by graph, the catalogue record last: it is listed only once
everything else is there. Without the Graph Store Protocol, graphs go in chunks of SPARQL
Update ``INSERT DATA``, their blank nodes as skolem IRIs (``https://w3id.org/sscmm/.well-known/genid/...``). A failed write drops what it wrote (best effort), and the next
publication of the same id replaces any leftovers, since each graph is replaced whole.

Errors: a server that is down, refuses or does not answer in time is a StoreUnavailable
(the service answers 503); a query it cannot parse is a QueryFailed ``syntax-error``.
"""

import math
import threading
import urllib.error
import urllib.parse
import urllib.request

import pyoxigraph as ox
from SPARQLWrapper import POST, TURTLE, XML, SPARQLWrapper
from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

from .queries import RESULT_MEDIA_TYPES, Answer, QueryFailed, QueryTimeout, encode
from .store import (
    CATALOGUE_GRAPH,
    PREFIX_IRIS,
    PROLOGUE,
    AlreadyPublished,
    Store,
    StoreUnavailable,
    assessment_graph,
    oxigraph_triples,
    records_from_rows,
    records_query,
    result_graph,
)

_NTRIPLES = "application/n-triples"
UPDATE_CHUNK = 500  # triples per INSERT when there is no Graph Store Protocol


def _ntriples(triples):
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""


GENID = "https://w3id.org/sscmm/.well-known/genid/"


def _skolemised(triples):
    """Blank nodes as skolem IRIs (RDF 1.1, 3.5): an update may be sent in several requests,
    and Virtuoso refuses blank nodes in INSERT DATA and large ones in INSERT templates."""
    def term(t):
        return ox.NamedNode(GENID + t.value) if isinstance(t, ox.BlankNode) else t
    return [ox.Triple(term(t.subject), t.predicate, term(t.object)) for t in triples]


def _is_timeout(err):
    reason = getattr(err, "reason", err)
    return isinstance(err, TimeoutError) or isinstance(reason, TimeoutError)


class RemoteStore(Store):
    """Published assessments on a SPARQL 1.1 server."""

    def __init__(self, query_url, update_url, gsp_url=None, timeout=10.0, max_rows=10000, store_timeout=60):
        self.query_url, self.update_url, self.gsp_url = query_url, update_url, gsp_url
        self.timeout, self.max_rows, self.store_timeout = float(timeout), int(max_rows), float(store_timeout)
        self._write_lock = threading.Lock()  # one writer per process (see docs/service.md on several)

    # -- the protocols --------------------------------------------------------------------

    def _fetch(self, query, return_format, timeout, default_graphs=(), named_graphs=()):
        """The raw answer of a query, or StoreUnavailable / QueryTimeout / QueryFailed."""
        wrapper = SPARQLWrapper(self.query_url)
        wrapper.setOnlyConneg(True)
        wrapper.setMethod(POST)
        wrapper.setTimeout(max(1, math.ceil(timeout)))
        wrapper.setQuery(query)
        wrapper.setReturnFormat(return_format)
        for graph in default_graphs:
            wrapper.addDefaultGraph(graph)
        for graph in named_graphs:
            wrapper.addNamedGraph(graph)
        try:
            return wrapper.query().response.read()
        except QueryBadFormed as err:
            raise QueryFailed("syntax-error", f"the SPARQL store refused the query: {_server_message(err)}") from None
        except (SPARQLWrapperException, urllib.error.URLError, OSError) as err:
            if _is_timeout(err):
                raise QueryTimeout(f"the query was stopped at the time limit of {timeout:g} s") from None
            raise self._unavailable(self.query_url, err) from None

    def select(self, query):
        """Solutions of an internal SELECT (pyoxigraph terms), within the store timeout."""
        try:
            body = self._fetch(PROLOGUE + query, XML, self.store_timeout)
        except (QueryFailed, QueryTimeout) as err:
            raise StoreUnavailable(f"the SPARQL store at {self.query_url} failed a query of the service: {err}") from None
        return list(_solutions(body))

    def _construct(self, query):
        try:
            body = self._fetch(PROLOGUE + query, TURTLE, self.store_timeout)
        except (QueryFailed, QueryTimeout) as err:
            raise StoreUnavailable(f"the SPARQL store at {self.query_url} failed a query of the service: {err}") from None
        return list(ox.parse(body, format=ox.RdfFormat.TURTLE))

    def _update(self, update):
        wrapper = SPARQLWrapper(self.query_url, updateEndpoint=self.update_url)
        wrapper.setOnlyConneg(True)
        wrapper.setMethod(POST)
        wrapper.setTimeout(max(1, math.ceil(self.store_timeout)))
        wrapper.setQuery(update)
        try:
            wrapper.query().response.read()
        except (SPARQLWrapperException, urllib.error.URLError, OSError) as err:
            raise self._unavailable(self.update_url, err) from None

    def _graph_operations(self, name, triples, first=None):
        """[(update operation, triples in it)]: ``first`` when given, then INSERT DATA into the
        graph in chunks (Virtuoso compiles at most 10,000 lines of SQL per request)."""
        triples = _skolemised(triples)
        operations = [(first, 0)] if first else []
        for start in range(0, len(triples), UPDATE_CHUNK):
            chunk = triples[start:start + UPDATE_CHUNK]
            operations.append((f"INSERT DATA {{ GRAPH <{name.value}> {{\n{_ntriples(chunk).decode('utf-8')}}} }}",
                               len(chunk)))
        return operations

    def _send(self, operations):
        """The operations in order, as many to a request as UPDATE_CHUNK triples allow."""
        batch, size = [], 0
        for operation, count in operations:
            if batch and size + count > UPDATE_CHUNK:
                self._update(" ;\n".join(batch))
                batch, size = [], 0
            batch.append(operation)
            size += count
        if batch:
            self._update(" ;\n".join(batch))

    def _insert(self, name, triples, first=None):
        self._send(self._graph_operations(name, triples, first))

    def _put_graph(self, name, triples):
        """Replace a graph: a Graph Store Protocol PUT, else DROP and INSERT DATA."""
        if self.gsp_url is None:
            self._insert(name, triples, first=f"DROP SILENT GRAPH <{name.value}>")
            return
        url = f"{self.gsp_url}?{urllib.parse.urlencode({'graph': name.value})}"
        request = urllib.request.Request(url, data=_ntriples(triples), method="PUT",
                                         headers={"Content-Type": _NTRIPLES})
        try:
            with urllib.request.urlopen(request, timeout=self.store_timeout) as response:
                response.read()
        except (urllib.error.URLError, OSError) as err:
            raise self._unavailable(self.gsp_url, err) from None

    def _drop(self, names):
        self._update(" ;\n".join(f"DROP SILENT GRAPH <{name.value}>" for name in names))

    def _unavailable(self, url, err):
        if _is_timeout(err):
            return StoreUnavailable(f"the SPARQL store at {url} did not answer within {self.store_timeout:g} s")
        return StoreUnavailable(f"the SPARQL store at {url} is unavailable: {_server_message(err)}")

    # -- the Store interface ----------------------------------------------------------------

    def replace_graphs(self, graphs):
        with self._write_lock:
            for name, graph in graphs.items():
                self._put_graph(name, oxigraph_triples(graph))

    def replace_triples(self, graphs):
        """Several graphs to a request, each dropped and refilled (one request a graph made
        1,000 reassessment graphs a thousand requests)."""
        with self._write_lock:
            self._send([operation for name, triples in graphs.items()
                        for operation in self._graph_operations(name, triples, f"DROP SILENT GRAPH <{name.value}>")])

    def add_triples(self, name, triples):
        with self._write_lock:
            self._insert(name, triples)

    def write(self, publication):
        record = publication.record
        graphs = {name: triples for name, triples in publication.graphs.items() if name != CATALOGUE_GRAPH}
        with self._write_lock:
            if self.is_listed(record.id):
                raise AlreadyPublished(record.id, record.assessment)
            try:
                for name, triples in graphs.items():
                    self._put_graph(name, triples)
                body = _ntriples(publication.graphs[CATALOGUE_GRAPH]).decode("utf-8")
                self._update(f"INSERT DATA {{ GRAPH <{CATALOGUE_GRAPH.value}> {{\n{body}}} }}")
            except StoreUnavailable:
                try:
                    self._drop(graphs)
                except StoreUnavailable:
                    pass  # unlisted leftovers; the next publication of this id replaces them
                raise

    def is_listed(self, assessment_id):
        node = assessment_graph(assessment_id).value
        return bool(self.select(f"SELECT ?id WHERE {{ GRAPH <{CATALOGUE_GRAPH.value}> {{ <{node}> dcterms:identifier ?id }} }}"))

    def records(self, assessment_id=None, city_id=None):
        return records_from_rows(self.select(records_query(assessment_id)), city_id)

    def result_json(self, assessment_id):
        name = result_graph(assessment_id).value
        rows = self.select(f"SELECT ?json WHERE {{ GRAPH <{name}> {{ <{name}> rdf:value ?json }} }}")
        return rows[0]["json"].value if rows else None

    def graph_triples(self, name):
        return self._construct(f"CONSTRUCT {{ ?s ?p ?o }} WHERE {{ GRAPH <{name.value}> {{ ?s ?p ?o }} }}")

    def serialize(self, assessment_id, fmt, with_result=False):
        if with_result:
            quads = [ox.Quad(t.subject, t.predicate, t.object, name)
                     for name in (assessment_graph(assessment_id), result_graph(assessment_id))
                     for t in self.graph_triples(name)]
            return ox.serialize(quads, format=fmt, prefixes=PREFIX_IRIS)
        return ox.serialize(self.graph_triples(assessment_graph(assessment_id)), format=fmt, prefixes=PREFIX_IRIS)

    def query(self, query, media_type, default_graphs=(), named_graphs=()):
        if media_type in RESULT_MEDIA_TYPES:
            body = self._fetch(query, XML, self.timeout, default_graphs, named_graphs)
            results = _solutions(body)
        else:
            body = self._fetch(query, TURTLE, self.timeout, default_graphs, named_graphs)
            results = ox.parse(body, format=ox.RdfFormat.TURTLE)
        try:
            return Answer(*encode(results, media_type, self.max_rows))
        except (SyntaxError, ValueError) as err:
            raise QueryFailed("query-failed", f"the SPARQL store's answer could not be read: {err}") from None

    def dump(self):
        rows = self.select('SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o } FILTER (STRSTARTS(STR(?g), "urn:sscmm:")) }')
        quads = [ox.Quad(row["s"], row["p"], row["o"], row["g"]) for row in rows]
        lines = (ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b"").splitlines(keepends=True)
        return b"".join(sorted(lines))


def _solutions(body):
    """SPARQL XML results; Virtuoso's blank node ids (``nodeID://b123``) made plain ids."""
    return ox.parse_query_results(body.replace(b"<bnode>nodeID://", b"<bnode>"), format=ox.QueryResultsFormat.XML)


def _server_message(err):
    text = str(err)
    return text if len(text) <= 500 else text[:500] + " ..."
