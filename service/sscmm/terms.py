"""Terms between rdflib (parsing, pyshacl, the result views) and pyoxigraph (the stores)."""

import pyoxigraph as ox
from rdflib import BNode, Literal, URIRef

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def is_iri(text):
    """Whether the text is an absolute IRI (RFC 3987) that pyoxigraph, so the store, accepts."""
    try:
        ox.NamedNode(text)
    except ValueError:
        return False
    return True


def is_language_tag(tag):
    """Whether the text is a language tag (BCP 47) that pyoxigraph, so the store, accepts."""
    try:
        ox.Literal("", language=tag)
    except ValueError:
        return False
    return True


def to_ox(term):
    """An rdflib term as a pyoxigraph term."""
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def to_rdflib(term):
    """A pyoxigraph term as an rdflib term (plain literals without a datatype, as rdflib parses them)."""
    if isinstance(term, ox.NamedNode):  # pyoxigraph has checked the IRI: rdflib need not again
        return str.__new__(URIRef, term.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    if term.language:
        return Literal(term.value, lang=term.language)
    if term.datatype.value == XSD_STRING:
        return Literal(term.value)
    return Literal(term.value, datatype=URIRef(term.datatype.value))


class TermMemo:
    """Term conversion with a memo: a city's graph repeats its IRIs and values many times.
    One instance per assessment, so nothing outlives it."""

    def __init__(self):
        self._ox, self._rdflib = {}, {}

    def ox(self, term):
        found = self._ox.get(term)
        if found is None:
            found = self._ox[term] = to_ox(term)
        return found

    def rdflib(self, term):
        if term is None:
            return None
        found = self._rdflib.get(term)
        if found is None:
            found = self._rdflib[term] = to_rdflib(term)
        return found

    def triple(self, t):
        return self.rdflib(t.subject), self.rdflib(t.predicate), self.rdflib(t.object)
