"""Property-based tests of reading RDF (sscmm.rdfio), in each syntax: any bytes, and
example cities with random edits, are either a graph the store can hold or an InputError
(a 400 over HTTP) that names the line, within a time limit: never another exception (a
500) and never a hang. Nothing is fetched (the audit hook refuses the network)."""

import pytest
from hypothesis import example, given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from sscmm.rdfio import FORMATS, InputError, parse, parse_file
from sscmm.store import oxigraph_triples

from .fuzz_support import examples, mutated, within
from .service_support import EXAMPLES

SEEDS = ("brackenford.ttl", "ostervik.ttl")
#: Syntaxes whose every error names its line (JSON-LD's own errors, after the JSON
#: parses, are about a value, not a place).
LINE_FORMATS = {"turtle", "trig", "nt", "xml"}


def _documents(fmt):
    return [parse_file(EXAMPLES / name).serialize(format=fmt).encode("utf-8") for name in SEEDS]


def read(data, fmt):
    """What the service does with a body: parse it and convert it for the store."""
    with within(10):
        try:
            graph = parse(data, fmt)
        except InputError as err:
            assert err.message, "an input error says what is wrong"
            if fmt in LINE_FORMATS:
                assert err.line is not None and err.line >= 1, f"no line in {err!r}"
            return None
        try:
            oxigraph_triples(graph)
        except InputError as err:
            assert err.message
        return graph


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@hsettings(max_examples=examples(60))
@given(data=st.binary(max_size=512))
def test_any_bytes(fmt, data):
    read(data, fmt)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
@hsettings(max_examples=examples(60))
@given(text=st.text(alphabet=st.characters(codec="utf-8") | st.sampled_from("<>\"{}[]@;.:#_\\^\n"), max_size=256))
def test_any_text(fmt, text):
    read(text.encode("utf-8"), fmt)


@pytest.mark.parametrize("fmt", sorted(FORMATS))
def test_edited_examples(fmt):
    documents = _documents(fmt)

    @hsettings(max_examples=examples(80))
    @given(data=st.sampled_from(documents).flatmap(mutated))
    @example(data=documents[0][: len(documents[0]) // 2])  # cut off half way
    def check(data):
        read(data, fmt)

    check()
