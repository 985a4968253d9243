"""Reading RDF from cities safely, and saying where it is wrong.

Formats by file extension or name; a parse error names the line (and column where the
parser gives one). Nothing is fetched or read while parsing: a JSON-LD context named by
a string (a URL, a file path) is refused before parsing, and any other URL a parser would
open is refused by an audit hook scoped to the parse. RDF/XML that declares entities is
refused before parsing, so no entity is ever expanded.

Turtle and TriG, what cities mostly send, are read by pyoxigraph's parser (its parse of a
complete city takes about 15 ms; with the rdflib graph built beside it, reading takes
about half as long as rdflib's parser): the result is a ParsedGraph, which also keeps
pyoxigraph's triples, so the engine and the stores take them without
converting every term again. Input pyoxigraph does not read, or reads where rdflib would
refuse it (a relative IRI without a base), goes to rdflib's parser, whose errors are
located as before.
"""

import contextvars
import re
import sys
import xml.parsers.expat
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset, Graph

from .terms import to_ox, to_rdflib

FORMATS = {
    "turtle": ("turtle", (".ttl",), "text/turtle"),
    "trig": ("trig", (".trig",), "application/trig"),
    "json-ld": ("json-ld", (".jsonld", ".json-ld", ".json"), "application/ld+json"),
    "nt": ("nt", (".nt",), "application/n-triples"),
    "xml": ("xml", (".rdf", ".owl", ".xml"), "application/rdf+xml"),
}
ALIASES = {"ttl": "turtle", "jsonld": "json-ld", "ntriples": "nt", "n-triples": "nt", "rdfxml": "xml",
           "rdf/xml": "xml", "rdf+xml": "xml"}

_no_network = contextvars.ContextVar("sscmm_no_network", default=False)


def _refuse_network(event, args):
    if _no_network.get() and event in ("urllib.Request", "socket.connect", "socket.getaddrinfo"):
        raise InputError(f"refused to fetch {args[0] if args else 'a URL'} while reading input "
                         "(remote JSON-LD contexts and other remote documents are not loaded)")


sys.addaudithook(_refuse_network)


class InputError(ValueError):
    """Input that cannot be read as RDF; ``line``/``column`` when known."""

    def __init__(self, message, line=None, column=None):
        super().__init__(message)
        self.message, self.line, self.column = message, line, column

    def __str__(self):
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "") + ": " if self.line else ""
        return where + self.message


def format_for(name=None, given=None):
    """The rdflib format for an explicit format name, else for a file name's extension."""
    if given:
        key = ALIASES.get(given.lower(), given.lower())
        if key not in FORMATS:
            raise InputError(f"unknown input format {given!r}; use one of {', '.join(FORMATS)}")
        return FORMATS[key][0]
    suffix = Path(name or "").suffix.lower()
    for fmt, extensions, _ in FORMATS.values():
        if suffix in extensions:
            return fmt
    raise InputError(f"cannot tell the RDF format of {name!r} from its extension; "
                     f"use --input-format ({', '.join(FORMATS)})")


DEFAULT_BASE = "urn:sscmm:input:"
#: The formats read by pyoxigraph first: nothing in them can fetch or expand anything.
_OXIGRAPH_FORMATS = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG}


class ParsedGraph(Graph):
    """A graph read by pyoxigraph that keeps pyoxigraph's triples (``ox_triples``) for as
    long as it is not changed: the assessment's store and the published graph take them
    as they are."""

    def __init__(self, ox_triples):
        super().__init__()
        self._ox_triples = ox_triples

    @property
    def ox_triples(self):
        return self._ox_triples

    def add(self, triple):
        self._ox_triples = None
        return super().add(triple)

    def addN(self, quads):  # noqa: N802 - rdflib's name
        self._ox_triples = None
        return super().addN(quads)

    def remove(self, triple):
        self._ox_triples = None
        return super().remove(triple)


def ox_triples_of(graph):
    """pyoxigraph's triples of a ParsedGraph still as parsed; else None."""
    return graph.ox_triples if isinstance(graph, ParsedGraph) else None


def parse(data, fmt, base=DEFAULT_BASE):
    """Parse bytes or text into one Graph (the union of a TriG dataset's graphs)."""
    refused = None  # pyoxigraph's syntax error, reported if rdflib reads the input anyway
    if fmt in _OXIGRAPH_FORMATS:
        try:
            return _parse_with_oxigraph(data, _OXIGRAPH_FORMATS[fmt], base)
        except SyntaxError as err:
            refused = err
        except Exception:  # noqa: BLE001 - terms rdflib cannot hold: rdflib's parser says why
            pass
    graph = _parse_with_rdflib(data, fmt, base)
    if refused is not None:  # rdflib reads a literal as a subject or predicate, which Turtle has not
        raise InputError(re.sub(r"^Parser error at line \d+ (between columns \d+ and \d+|column \d+): ", "", refused.msg),
                         line=refused.lineno, column=refused.offset)
    return graph


def _parse_with_rdflib(data, fmt, base):
    """rdflib's parser, with nothing fetched, its errors located (_located)."""
    token = _no_network.set(True)
    try:
        if fmt == "xml":
            _refuse_xml_entities(data)
        if fmt == "json-ld":
            data = _with_local_context(data)
        if fmt == "trig":
            dataset = Dataset()
            dataset.parse(data=data, format="trig", publicID=base)
            graph = Graph()
            for quad in dataset.quads((None, None, None, None)):
                graph.add(quad[:3])
            for prefix, ns in dataset.namespaces():
                graph.bind(prefix, ns)
            return graph
        graph = Graph()
        graph.parse(data=data, format=fmt, publicID=base)
        return graph
    except InputError:
        raise
    except Exception as err:  # every parser has its own exception types
        raise _located(err, data, fmt) from None
    finally:
        _no_network.reset(token)


def _parse_with_oxigraph(data, syntax, base):
    """A ParsedGraph; a SyntaxError where pyoxigraph cannot read the input, a ValueError
    where it reads a term rdflib cannot hold (an RDF 1.2 triple term): rdflib's parser
    then reads it or says where it is wrong. Without a base of its own (a request body),
    relative IRIs are errors, as in rdflib. Literals take rdflib's normal form (as
    rdflib's parser gives them), in both the rdflib graph and the pyoxigraph triples."""
    parser = ox.parse(data.encode("utf-8") if isinstance(data, str) else data, format=syntax,
                      base_iri=None if base == DEFAULT_BASE else base)
    memo, triples, rdflib_triples = {}, [], []
    for quad in parser:
        ox_terms, rdflib_terms = [], []
        for term in (quad.subject, quad.predicate, quad.object):
            pair = memo.get(term)
            if pair is None:
                pair = memo[term] = _both_forms(term)
            ox_terms.append(pair[0])
            rdflib_terms.append(pair[1])
        triples.append(ox.Triple(*ox_terms))
        rdflib_triples.append(tuple(rdflib_terms))
    graph = ParsedGraph(triples)
    add = graph.store.add  # Graph.add checks every term again
    for triple in rdflib_triples:
        add(triple, graph, quoted=False)
    for prefix, namespace in parser.prefixes.items():
        graph.bind(prefix, namespace)
    return graph


def _both_forms(term):
    """(pyoxigraph term, rdflib term) of a parsed term."""
    if isinstance(term, ox.NamedNode):
        return term, to_rdflib(term)
    if isinstance(term, ox.Literal) and getattr(term, "direction", None):
        raise ValueError("a directional language string")  # rdflib has no direction
    if not isinstance(term, (ox.BlankNode, ox.Literal)):
        raise ValueError(f"{type(term).__name__} is not an RDF 1.1 term")
    converted = to_rdflib(term)
    if isinstance(term, ox.Literal) and str(converted) != term.value:  # rdflib normalised its lexical form
        term = to_ox(converted)
    return term, converted


def _with_local_context(data):
    """Plain JSON, or JSON-LD naming the sscmm context, with that context inlined (never
    fetched); text that is not JSON goes to the parser as it is, to be reported there."""
    import json

    from .context import with_local_context

    try:
        document = with_local_context(json.loads(data))
    except ValueError:
        return data
    _refuse_context_references(document)
    return json.dumps(document)


def _refuse_context_references(node):
    """rdflib loads a context named by a string (``@context``, ``@import``) from wherever it
    points: a URL, but also a file path or file: URL on this machine, which the network
    hook does not see. Only inline contexts (and the sscmm one, inlined) are read."""
    if isinstance(node, list):
        for item in node:
            _refuse_context_references(item)
    elif isinstance(node, dict):
        for key, value in node.items():
            if key in ("@context", "@import"):
                for reference in value if isinstance(value, list) else [value]:
                    if isinstance(reference, str):
                        raise InputError(f"the JSON-LD context {reference!r} is not read: contexts are given inline "
                                         "(or as https://w3id.org/sscmm/context.jsonld, which is known here)")
            _refuse_context_references(value)


class _PrologEnd(Exception):
    """The first element starts: no entity can be declared after it."""


def _refuse_xml_entities(data):
    """Entity declarations let a few bytes expand into gigabytes (and external ones read
    files); a city's graph needs none, so a document that declares one is not read."""
    parser = xml.parsers.expat.ParserCreate()
    parser.SetParamEntityParsing(xml.parsers.expat.XML_PARAM_ENTITY_PARSING_NEVER)

    def refuse(name, *_):
        raise InputError(f"XML entity declarations are not accepted (entity {name!r})",
                         line=parser.CurrentLineNumber, column=parser.CurrentColumnNumber + 1)

    def stop(*_):
        raise _PrologEnd

    parser.EntityDeclHandler = refuse
    parser.StartElementHandler = stop
    try:
        parser.Parse(data, True)
    except (_PrologEnd, xml.parsers.expat.ExpatError):  # syntax errors: the RDF/XML parser reports them
        pass


def parse_file(path, given_format=None):
    path = Path(path)
    fmt = format_for(path.name, given_format)
    try:
        data = path.read_bytes()
    except OSError as err:
        raise InputError(f"cannot read {path}: {err.strerror}") from None
    return parse(data, fmt, base=path.resolve().as_uri())


def _bad_syntax_column(err):
    """BadSyntax keeps the document (as UTF-8) and the character offset of the error."""
    document, offset = getattr(err, "_str", None), getattr(err, "_i", None)
    if not isinstance(document, bytes) or not isinstance(offset, int):
        return None
    text = document.decode("utf-8", errors="replace")
    return offset - text.rfind("\n", 0, offset)


def _located(err, data, fmt):
    """An InputError with the line (and column) where the input is wrong: as the parser
    reported it, else found from the parser's state or by pyoxigraph's parser."""
    lines = getattr(err, "lines", None)  # rdflib's notation3/turtle BadSyntax
    if isinstance(lines, int):
        return InputError(f"bad syntax ({getattr(err, '_why', None) or 'parse error'})", line=lines + 1,
                          column=_bad_syntax_column(err))
    get_line = getattr(err, "getLineNumber", None)  # xml.sax
    if callable(get_line):
        return InputError(err.getMessage(), line=get_line(), column=err.getColumnNumber())
    for attr_line, attr_col in (("lineno", "colno"), ("line", "column")):  # json, others
        line = getattr(err, attr_line, None)
        if isinstance(line, int):
            return InputError(getattr(err, "msg", str(err)), line=line, column=getattr(err, attr_col, None))
    match = re.match(r"\S*?:(\d+):(\d+): (.+)", str(err), re.DOTALL)  # rdflib's RDF/XML: "SYSTEM-ID:LINE:COLUMN: why"
    if fmt == "xml" and match:
        return InputError(match.group(3), line=int(match.group(1)), column=int(match.group(2)))
    match = re.search(r"line (\d+)", str(err))
    if match:
        return InputError(str(err), line=int(match.group(1)))
    message = str(err) or err.__class__.__name__
    if isinstance(err, UnicodeDecodeError) and isinstance(err.object, bytes):
        return InputError(f"the input is not UTF-8 text ({err.reason})", *_position(err.object, err.start))
    if isinstance(err, IndexError):  # rdflib's Turtle parser reads past the end of a cut-off document
        message = "unexpected end of the input (is the document cut off?)"
    if isinstance(err, RecursionError):
        message = f"the document nests too deeply to be read ({message})"
    where = _parser_position(err)
    if where is not None:
        return InputError(message, *where)
    if fmt == "nt":
        return InputError(message, line=_first_bad_ntriples_line(data))
    return InputError(message, *_oxigraph_position(data, fmt))


def _position(document, offset):
    """(line, column), from 1, of an offset into a text or bytes."""
    newline = "\n" if isinstance(document, str) else b"\n"
    return document.count(newline, 0, offset) + 1, offset - document.rfind(newline, 0, offset)


def _parser_position(err):
    """(line, column) where the parser was when it failed with an error that carries no
    position (rdflib's Turtle and TriG parser at the end of a cut-off document or at a
    relative IRI it cannot resolve; its RDF/XML handler at an IRI urllib refuses), read
    from the innermost parser frame on the traceback: the Turtle parser's arguments
    (argstr, i), or the SAX handler's locator."""
    found, frame = None, err.__traceback__
    while frame is not None:
        args = frame.tb_frame.f_locals
        locator = getattr(args.get("self"), "locator", None)
        if isinstance(args.get("argstr"), str) and isinstance(args.get("i"), int):
            found = _position(args["argstr"], args["i"])
        elif callable(getattr(locator, "getLineNumber", None)) and isinstance(locator.getLineNumber(), int):
            found = locator.getLineNumber(), locator.getColumnNumber()
        frame = frame.tb_next
    return found


def _first_bad_ntriples_line(data):
    """The number of the first line rdflib's N-Triples parser refuses (its error quotes the
    line, not its number): each line is a statement, read one by one (on errors only)."""
    from rdflib.plugins.parsers.ntriples import W3CNTriplesParser

    class Discard:
        def triple(self, *_):
            pass

    parser = W3CNTriplesParser(Discard())
    lines = re.split(rb"\r\n|\n|\r", data.encode("utf-8") if isinstance(data, str) else data)
    for number, line in enumerate(lines, start=1):
        try:
            parser.parsestring(line)
        except Exception:  # noqa: BLE001 - any error of the parser's
            return number
    return None


def _oxigraph_position(data, fmt):
    """(line, column) of the first syntax error pyoxigraph's parser finds; (None, None) if
    it finds none."""
    syntax = {"turtle": ox.RdfFormat.TURTLE, "trig": ox.RdfFormat.TRIG, "xml": ox.RdfFormat.RDF_XML}.get(fmt)
    if syntax is None:
        return None, None
    try:
        for _ in ox.parse(data.encode("utf-8") if isinstance(data, str) else data, format=syntax):
            pass
    except SyntaxError as err:
        return err.lineno, err.offset
    return None, None
