"""Regression: some parse errors named no line. Turtle cut off in the middle of a
statement gave "string index out of range" (rdflib's parser read past the end), a relative
IRI in a body (base ``urn:sscmm:input:``) gave rdflib's "has no slash after colon", bytes
that are not UTF-8 gave the codec's message, rdflib's N-Triples errors quote the bad line
but not its number, its RDF/XML errors carry "None:LINE:COLUMN:" in the text, and an IRI
that urllib refuses in RDF/XML ("Invalid IPv6 URL") had no place at all. Each now names
the line (and column) where the input is wrong. Found by tests/test_fuzz_rdf.py."""

import pytest

from sscmm.rdfio import InputError, parse

from .service_support import example


def _error(data, fmt):
    with pytest.raises(InputError) as caught:
        parse(data, fmt)
    return caught.value


def test_cut_off_turtle_names_the_end():
    text = example("saltmere.ttl")
    cut = text.index("sscmm:targetValue") + len("sscmm:targetValu")
    error = _error(text[:cut].encode("utf-8"), "turtle")
    assert "end of the input" in error.message
    assert error.line == text[:cut].count("\n") + 1


def test_unresolvable_relative_iri_names_its_line():
    error = _error(b"<https://a.example/s> <https://a.example/p> 1 .\n\n<rel> <https://a.example/p> 2 .\n", "turtle")
    assert "relative 'rel'" in error.message and error.line == 3


def test_bytes_that_are_not_utf8_name_their_place():
    error = _error(b"<https://a.example/s>\n <https://a.example/p> \"caf\xe9\" .\n", "turtle")
    assert "not UTF-8" in error.message and (error.line, error.column) == (2, 28)


def test_ntriples_errors_name_the_line():
    error = _error(b"<https://a.example/s> <https://a.example/p> <https://a.example/o> .\n<https://a.example/s> <p\n", "nt")
    assert error.line == 2


def test_rdf_xml_errors_name_the_line_once():
    data = (b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
            b'<rdf:Description rdf:about="https://a.example/s">\n'
            b'<rdf:type><rdf:Description/><rdf:Description/></rdf:type>\n</rdf:Description>\n</rdf:RDF>\n')
    error = _error(data, "xml")
    assert error.line == 4 and not error.message.startswith("None:")


def test_rdf_xml_iri_that_urllib_refuses_names_its_line():
    data = (b'<?xml version="1.0"?>\n<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
            b'xmlns:ex="https://a.example/">\n<rdf:Description rdf:about="http://[x/s"><ex:p>1</ex:p></rdf:Description>\n'
            b"</rdf:RDF>\n")
    error = _error(data, "xml")
    assert "IPv6" in error.message and error.line == 3


def test_ntriples_line_that_only_rdflib_refuses_is_named():
    """U+2028 in an IRI: pyoxigraph reads it, rdflib's N-Triples parser does not."""
    data = ("<https://a.example/s> <https://a.example/p> <https://a.example/o> .\n" * 3
            + "<https:\u2028//a.example/s> <https://a.example/p> <https://a.example/o> .\n").encode("utf-8")
    assert _error(data, "nt").line == 4
