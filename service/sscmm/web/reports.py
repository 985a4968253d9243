"""POST /report: the report page of an assessment that is not published, from a file or
pasted Turtle sent by the form on the index page. Errors (unreadable RDF with its line, an
invalid graph, an unknown model) are shown in the page, with the form, not as JSON."""

import re
from base64 import b64encode

from flask import Blueprint, render_template, request

from . import services
from .content import parse_rdf, read_upload
from .imports import XLSX
from .meta import index_page
from .problems import Problem
from .report import report, workbook

bp = Blueprint("reports", __name__)


def _uploaded():
    """The graph of the form: its file when one was chosen, else the pasted Turtle."""
    upload = request.files.get("file")
    if upload is not None and upload.filename:
        return read_upload(upload)[0]
    text = request.form.get("turtle", "")
    if not text.strip():
        raise Problem(400, "choose a file or paste Turtle", slug="no-file")
    return parse_rdf(text.encode("utf-8"), "turtle")[0]


def _data_uri(media_type, body):
    if isinstance(body, str):
        body = body.encode("utf-8")
    return f"data:{media_type};base64,{b64encode(body).decode('ascii')}"


def _name(result):
    """A file name for the downloads: the assessment IRI's last segment."""
    return re.sub(r"[^A-Za-z0-9._-]+", "-", re.split(r"[/#]", result["assessment"]["iri"].rstrip("/#"))[-1]) or "assessment"


@bp.post("/report")
def report_page():
    try:
        engine = services().engine_named(request.form.get("model") or None)
        graph = _uploaded()
    except Problem as problem:
        return index_page(problem=problem, form=request.form), problem.status
    result = engine.assess(graph)
    if not result.valid:
        errors = result.as_dict()["input_errors"]
        problem = Problem(422, f"the graph has {len(errors)} input error(s) and was not assessed; see "
                          "docs/assessment-format.md", errors=[str(error) for error in result.input_errors])
        return index_page(problem=problem, form=request.form), 422
    data = result.as_dict()
    name = _name(data)
    downloads = [
        {"label": "Turtle", "href": _data_uri("text/turtle", graph.serialize(format="turtle")), "filename": f"{name}.ttl"},
        {"label": "JSON-LD", "href": _data_uri("application/ld+json", graph.serialize(format="json-ld")),
         "filename": f"{name}.jsonld"},
        {"label": "JSON result", "href": _data_uri("application/json", result.to_json()), "filename": f"{name}.json"},
    ]
    book = workbook(graph, data, engine.model)
    if book is not None:
        downloads.append({"label": "Workbook (.xlsx)", "href": _data_uri(XLSX, book), "filename": f"{name}.xlsx"})
    return render_template("report.html", record=None, result=data, view=report(data, graph, engine.model),
                           downloads=downloads, workbook=book is not None)
