"""POST /import: a filled workbook (.xlsx) or its sheets as CSV (a .zip, or several CSV
files in one multipart form) turned into an assessment graph; ``?assess=1`` answers the
assessment result instead. GET /context.jsonld: the JSON-LD context for plain JSON."""

import json

from flask import Blueprint, Response, request

from ..context import context
from ..model import load_model
from ..workbook import WorkbookError, read_workbook, tables_from_csv, tables_from_xlsx, tables_from_zip
from . import services
from .assess import input_errors_problem
from .content import negotiate
from .problems import Problem

bp = Blueprint("imports", __name__)
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
ZIP = ("application/zip", "application/x-zip-compressed")
GRAPH_TYPES = ("text/turtle", "application/ld+json")
ACCEPTED = (XLSX, *ZIP, "text/csv", "multipart/form-data")


def _tables():
    if request.mimetype == "multipart/form-data":
        uploads = [f for f in request.files.values() if f.filename]
        if not uploads:
            raise Problem(400, "the multipart body has no file", slug="no-file")
        if len(uploads) > 1 or uploads[0].filename.lower().endswith(".csv"):
            return tables_from_csv({f.filename: f.read() for f in uploads})
        upload = uploads[0]
        return _by_type(upload.mimetype, upload.filename, upload.read())
    return _by_type(request.mimetype, "", request.get_data())


def _by_type(media_type, filename, data):
    name = filename.lower()
    if media_type == XLSX or name.endswith(".xlsx"):
        return tables_from_xlsx(data)
    if media_type in ZIP or name.endswith(".zip"):
        return tables_from_zip(data)
    raise Problem(415, f"cannot import {media_type or filename or '(no Content-Type)'}; send an .xlsx workbook, "
                  "a .zip of its sheets as CSV, or CSV files in a multipart form", supported=list(ACCEPTED))


@bp.post("/import")
def import_workbook():
    assess = request.args.get("assess", "").lower() in ("1", "true", "yes")
    media_type = negotiate(("application/json",) if assess else GRAPH_TYPES)
    try:
        graph = read_workbook(_tables(), load_model())
    except WorkbookError as err:
        raise Problem(422, f"the workbook has {len(err.errors)} error(s); nothing was imported", slug="workbook-invalid",
                      title="The workbook cannot be imported",
                      errors=[{"sheet": e.sheet, "cell": e.cell or None, "message": e.message} for e in err.errors])
    result = services().engine.assess(graph)
    if not result.valid:
        raise input_errors_problem(result)
    if assess:
        return Response(result.to_json(), mimetype="application/json")
    fmt = "turtle" if media_type == "text/turtle" else "json-ld"
    return Response(graph.serialize(format=fmt), mimetype=media_type)


@bp.get("/context.jsonld")
def jsonld_context():
    return Response(json.dumps(context(), indent=2), mimetype="application/ld+json")
