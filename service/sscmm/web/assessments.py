"""Publishing assessments (POST /assessments, with a city's token) and reading them back."""

import json

import pyoxigraph as ox
from flask import Blueprint, Response, jsonify, render_template, request
from rdflib import Graph

from ..store import AlreadyPublished, NotAssessable, WrongCity
from . import services
from .assess import input_errors_problem
from .content import negotiate, read_graph
from .imports import XLSX
from .problems import Problem
from .report import report, uses_workbook_model, workbook

bp = Blueprint("assessments", __name__)
READ_MEDIA_TYPES = ("application/json", "text/html", "text/turtle", "application/ld+json", "application/trig")


def bearer_token(what, challenge='Bearer realm="sscmm"'):
    """The request's bearer token; 401 (saying ``what`` needs one) without one."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, f"{what}: Authorization: Bearer TOKEN", headers={"WWW-Authenticate": challenge})
    return token.strip()


def invalid_token():
    return Problem(401, "the token is unknown or revoked",
                   headers={"WWW-Authenticate": 'Bearer realm="sscmm", error="invalid_token"'})


def token_city():
    """The city the request's bearer token may publish for; 401 without a live token."""
    city = services().tokens.city_for(bearer_token("publishing needs a city's token"))
    if city is None:
        raise invalid_token()
    return city


@bp.post("/assessments")
def publish():
    city = token_city()
    engine = services().engine_named(request.args.get("model"))
    graph, triples = read_graph()
    result = engine.assess(graph)
    try:
        record = services().store.publish(triples, result, for_city=city)
    except NotAssessable:
        raise input_errors_problem(result) from None
    except WrongCity as err:
        raise Problem(403, str(err), slug="wrong-city", title="The token does not publish for this city",
                      city=err.city, token_city=err.allowed) from None
    except AlreadyPublished as err:
        raise Problem(409, f"{err}; publish a new assessment under a new IRI", slug="already-published",
                      title="This assessment is already published", id=err.id,
                      link=f"/assessments/{err.id}") from None
    body = {**record.as_dict(), "city": {"id": record.city_id, "iri": record.city, "name": record.city_name,
                                         "link": f"/cities/{record.city_id}"}}
    response = jsonify(body)
    response.status_code = 201
    response.headers["Location"] = f"/assessments/{record.id}"
    return response


#: ?format= on GET /assessments/{id}: a download link's way to ask for a media type.
DOWNLOADS = {"json": "application/json", "ttl": "text/turtle", "jsonld": "application/ld+json", "trig": "application/trig"}


def _published(assessment_id):
    record = services().store.record(assessment_id)
    if record is None:
        raise Problem(404, f"no published assessment has the id {assessment_id!r}")
    return record


def _published_graph(assessment_id):
    """The graph as published, as an rdflib Graph (small: one city's assessment)."""
    return Graph().parse(data=services().store.serialize(assessment_id, ox.RdfFormat.TURTLE), format="turtle")


@bp.get("/assessments/<assessment_id>")
def read(assessment_id):
    store = services().store
    record = _published(assessment_id)
    wanted = request.args.get("format")
    if wanted is None:
        media_type = negotiate(READ_MEDIA_TYPES)
    elif wanted in DOWNLOADS:
        media_type = DOWNLOADS[wanted]
    else:
        raise Problem(400, f"format={wanted!r}: use one of {', '.join(DOWNLOADS)} (or the Accept header)",
                      slug="unknown-format", title="Unknown format")
    headers = {"Content-Disposition": f'attachment; filename="{assessment_id}.{wanted}"'} if wanted else {}
    if media_type == "application/json":
        return Response(store.result_json(assessment_id), mimetype="application/json", headers=headers)
    if media_type == "text/html":
        return _report_page(record)
    fmt = ox.RdfFormat.from_media_type(media_type)
    body = store.serialize(assessment_id, fmt, with_result=fmt == ox.RdfFormat.TRIG)
    return Response(body, mimetype=media_type, headers=headers)


def _report_page(record):
    result = json.loads(services().store.result_json(record.id))
    graph = _published_graph(record.id)
    model = services().engine.model
    base = f"/assessments/{record.id}"
    downloads = [{"label": label, "href": f"{base}?format={key}", "filename": f"{record.id}.{key}"}
                 for key, label in (("ttl", "Turtle"), ("jsonld", "JSON-LD"), ("json", "JSON result"),
                                    ("trig", "TriG (graph and result)"))]
    has_workbook = uses_workbook_model(graph, result)
    if has_workbook:
        downloads.append({"label": "Workbook (.xlsx)", "href": f"{base}/workbook", "filename": f"{record.id}.xlsx"})
    return render_template("report.html", record=record, result=result, view=report(result, graph, model),
                           downloads=downloads, workbook=has_workbook)


@bp.get("/assessments/<assessment_id>/workbook")
def workbook_download(assessment_id):
    """The published graph as a filled workbook (sscmm export), when it uses the model
    the workbook is laid out for; else 404."""
    _published(assessment_id)
    result = json.loads(services().store.result_json(assessment_id))
    body = workbook(_published_graph(assessment_id), result, services().engine.model)
    if body is None:
        raise Problem(404, f"no workbook: the assessment does not use the {result['model']['name']} model")
    return Response(body, mimetype=XLSX,
                    headers={"Content-Disposition": f'attachment; filename="{assessment_id}.xlsx"'})
