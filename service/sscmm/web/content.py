"""Content negotiation, reading RDF request bodies, and writing RDF responses."""

import pyoxigraph as ox
from flask import Response, request

from ..rdfio import FORMATS, InputError, format_for, parse
from ..store import PREFIX_IRIS, oxigraph_triples
from .problems import Problem

#: rdflib format of each RDF media type a body may have (text/turtle, application/trig, ...).
RDF_BODY_TYPES = {media_type: fmt for fmt, _extensions, media_type in FORMATS.values()}
RDF_BODY_TYPES["application/json"] = "json-ld"  # plain JSON, read with the sscmm context (GET /context.jsonld)


def negotiate(offered):
    """The offered media type the client prefers (the first one when it states no
    preference), or 406."""
    if not request.accept_mimetypes:
        return offered[0]
    match = request.accept_mimetypes.best_match(offered)
    if match is None:
        raise Problem(406, f"cannot answer in {request.headers.get('Accept')}; available: {', '.join(offered)}",
                      available=list(offered))
    return match


def read_graph():
    """The request body as (rdflib Graph, pyoxigraph triples): the body is RDF in one of
    RDF_BODY_TYPES, or a multipart form whose (first) file is; 400 with line and column
    when it does not parse, 415 for other media types."""
    if request.mimetype == "multipart/form-data":
        upload = next(iter(request.files.values()), None)
        if upload is None:
            raise Problem(400, "the multipart body has no file", slug="no-file")
        return read_upload(upload)
    fmt = RDF_BODY_TYPES.get(request.mimetype)
    if fmt is None:
        raise _unsupported(request.mimetype or "(no Content-Type)")
    return parse_rdf(request.get_data(), fmt)


def read_upload(upload):
    """An uploaded file as (rdflib Graph, pyoxigraph triples), its format from the part's
    type or else its name."""
    fmt = RDF_BODY_TYPES.get(upload.mimetype)
    if fmt is None:
        try:
            fmt = format_for(upload.filename)
        except InputError:
            raise _unsupported(upload.mimetype or upload.filename) from None
    return parse_rdf(upload.read(), fmt)


def parse_rdf(data, fmt):
    """(rdflib Graph, pyoxigraph triples), or 400 (parse-error) with the line and column
    the parser gives."""
    try:
        graph = parse(data, fmt)
        return graph, oxigraph_triples(graph)
    except InputError as err:
        raise Problem(400, err.message, slug="parse-error", title="The body is not readable RDF",
                      line=err.line, column=err.column) from None


def _unsupported(what):
    return Problem(415, f"cannot read {what} as RDF; send one of {', '.join(RDF_BODY_TYPES)} "
                   "(or a multipart/form-data file of one)", supported=list(RDF_BODY_TYPES))


def rdf_response(triples, media_type):
    """pyoxigraph triples written in the negotiated RDF media type."""
    body = ox.serialize(triples, format=ox.RdfFormat.from_media_type(media_type), prefixes=PREFIX_IRIS)
    return Response(body, mimetype=media_type)
