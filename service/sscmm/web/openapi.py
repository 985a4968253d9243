"""The OpenAPI 3.1 description of the service (GET /openapi.json).

Written out rather than generated: a test checks that every route Flask serves is here.
"""

from http import HTTPStatus

from .. import __version__
from ..queries import GRAPH_MEDIA_TYPES, RESULT_MEDIA_TYPES
from .content import RDF_BODY_TYPES

_TEXT = {"type": "string"}
_RDF_MODEL_TYPES = ("text/turtle", "application/ld+json", "text/html")


def _problems(*codes):
    return {str(code): {"description": HTTPStatus(code).phrase,
                        "content": {"application/problem+json": {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            for code in codes}


#: What a JSON body without a schema of its own is (a JSON-LD document is an object or an array).
_JSON = {"type": ["object", "array"]}


def _content(*media_types, schema=None):
    """Each media type with the schema of its body: given, else any JSON for JSON types, else text."""
    return {media_type: {"schema": schema or (_JSON if media_type.endswith("json") else _TEXT)}
            for media_type in media_types}


def _ok(description, *media_types, schema=None, **problems):
    return {"200": {"description": description, "content": _content(*media_types, schema=schema)}, **problems}


def _get(summary, description, responses, parameters=(), *, tag):
    return {"get": {"summary": summary, "description": description, "tags": [tag],
                    "parameters": list(parameters), "responses": responses}}


def _path_parameter(name, description):
    return {"name": name, "in": "path", "required": True, "description": description, "schema": _TEXT}


_RDF_BODY = {
    "required": True,
    "description": "the city's assessment graph (docs/assessment-format.md), or a multipart form with the file",
    "content": {**_content(*RDF_BODY_TYPES),
                "multipart/form-data": {"schema": {"type": "object", "properties": {
                    "file": {"type": "string", "contentMediaType": "application/octet-stream"}}}}},
}
_RESULT = {"$ref": "#/components/schemas/AssessmentResult"}
_RECORD = {"$ref": "#/components/schemas/AssessmentRecord"}
_CITY = {"$ref": "#/components/schemas/City"}


def _model_parameter(models):
    """?model=NAME, one of the models the service knows."""
    return {"name": "model", "in": "query", "required": False, "schema": {"type": "string", "enum": sorted(models)},
            "description": "the model's short name (its dcterms:identifier); default: the service's default model"}


def _model_part(summary, model_parameter):
    return _get(summary, "Turtle, JSON-LD or an HTML page, by Accept.",
                {**_ok(summary, *_RDF_MODEL_TYPES), **_problems(404, 406)}, [model_parameter], tag="model")


def _resolved(prefix):
    return _get(f"A term under https://w3id.org/sscmm/{prefix}/", "The IRI https://w3id.org/sscmm/" + prefix +
                "/{path} described: Turtle, JSON-LD or HTML, by Accept.",
                {**_ok("the term's description", *_RDF_MODEL_TYPES), **_problems(404, 406)},
                [_path_parameter("path", "the rest of the IRI")], tag="model")


def openapi(models, analyses):
    """The OpenAPI document, as a dict ready for JSON: ``models`` are the short names of the
    models the service knows, ``analyses`` the names of its analyses."""
    model_parameter = _model_parameter(models)
    sparql_parameters = [
        {"name": "query", "in": "query", "required": False, "schema": _TEXT, "description": "the SPARQL query"},
        {"name": "default-graph-uri", "in": "query", "required": False, "schema": {"type": "array", "items": _TEXT},
         "description": "graphs whose union is the default graph (default: all graphs)"},
        {"name": "named-graph-uri", "in": "query", "required": False, "schema": {"type": "array", "items": _TEXT},
         "description": "the graphs GRAPH may name (default: all)"},
    ]
    sparql_responses = {
        "200": {"description": "the results; X-SSCMM-Truncated: true when the row cap cut them off",
                "headers": {"X-SSCMM-Truncated": {"schema": _TEXT}, "X-SSCMM-Max-Rows": {"schema": _TEXT}},
                "content": _content(*RESULT_MEDIA_TYPES, *GRAPH_MEDIA_TYPES)},
        **_problems(400, 406, 413, 415, 503),
    }
    sparql_doc = ("SPARQL 1.1 Protocol, queries only, over the union of all published graphs plus the named "
                  "graphs. Update and SERVICE are refused with 400; the time limit stops a query with 503.")
    paths = {
        "/": _get("Index", "Links to the resources.", _ok("links", "text/html", "application/json"), tag="meta"),
        "/health": _get("Health", "Whether the service is up, and what it holds.",
                        _ok("up", "application/json", schema={"type": "object"}), tag="meta"),
        "/openapi.json": _get("This document", "OpenAPI 3.1.", _ok("the document", "application/json"), tag="meta"),
        "/assess": {"post": {
            "summary": "Assess a city's graph", "tags": ["assess"],
            "description": "The result of `sscmm assess`, as JSON or as RDF (report, derived facts, PROV). "
                           "Nothing is stored.",
            "parameters": [model_parameter], "requestBody": _RDF_BODY,
            "responses": {"200": {"description": "the result", "content": {
                              **_content("application/json", schema=_RESULT),
                              **_content("text/turtle", "application/ld+json")}},
                          **_problems(400, 406, 413, 415, 422)}}},
        "/assessments": {"post": {
            "summary": "Publish an assessment", "tags": ["assessments"],
            "description": "Needs a token bound to the assessment's city (`sscmm token create`). The graph "
                           "and its computed result are stored in one transaction.",
            "security": [{"cityToken": []}], "parameters": [model_parameter], "requestBody": _RDF_BODY,
            "responses": {"201": {"description": "published", "headers": {"Location": {"schema": _TEXT}},
                                  "content": _content("application/json", schema=_RECORD)},
                          **_problems(400, 401, 403, 406, 409, 413, 415, 422)}}},
        "/reassess": {"post": {
            "summary": "Reassess every published city inside the store", "tags": ["assessments"],
            "description": "Needs a token with the admin scope (`sscmm token create --admin`). Recomputes the "
                           "levels and failed criteria of every published assessment (or of the cities named) "
                           "against the model, in a few store-wide queries, and stores them in each one's "
                           "reassessment graph, which `GET /analysis/levels` reads.",
            "security": [{"adminToken": []}],
            "parameters": [model_parameter,
                           {"name": "city", "in": "query", "required": False, "schema": {"type": "array", "items": _TEXT},
                            "style": "form", "explode": True, "description": "only this city's publications (IRI)"}],
            "responses": {"200": {"description": "what was reassessed", "content": _content("application/json")},
                          **_problems(400, 401, 403, 404)}}},
        "/assessments/{assessment_id}": _get(
            "A published assessment",
            "JSON: the result; Turtle, JSON-LD: the published graph; TriG: the published graph and the result "
            "graph; HTML: the report page. `format=json|ttl|jsonld|trig` overrides Accept and answers a download.",
            {"200": {"description": "the assessment", "content": {
                **_content("application/json", schema=_RESULT),
                **_content("text/html", "text/turtle", "application/ld+json", "application/trig")}},
             **_problems(400, 404, 406)},
            [_path_parameter("assessment_id", "the id given when it was published"),
             {"name": "format", "in": "query", "required": False, "schema": {"enum": ["json", "ttl", "jsonld", "trig"]},
              "description": "answer this format as a download, whatever Accept says"}], tag="assessments"),
        "/assessments/{assessment_id}/workbook": _get(
            "A published assessment as a workbook",
            "The published graph written into the assessment workbook (`sscmm export`), when the assessment names "
            "the model it was assessed against; 404 otherwise.",
            {**_ok("the workbook", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
             **_problems(404)},
            [_path_parameter("assessment_id", "the id given when it was published")], tag="assessments"),
        "/report": {"post": {
            "summary": "A report page for an unpublished assessment", "tags": ["pages"],
            "description": "The index page's form: a file (`file`) or pasted Turtle (`turtle`) and a model "
                           "(`model`), as multipart/form-data. Answers the report page (HTML); errors are shown "
                           "in the page with the form (400 with the line of a parse error, 422 input errors).",
            "requestBody": {"required": True, "content": {"multipart/form-data": {"schema": {
                "type": "object", "properties": {
                    "file": {"type": "string", "contentMediaType": "application/octet-stream"},
                    "turtle": _TEXT, "model": _TEXT}}}}},
            "responses": {"200": {"description": "the report page", "content": _content("text/html")},
                          **{str(code): {"description": HTTPStatus(code).phrase, "content": _content("text/html")}
                             for code in (400, 415, 422)}}}},
        "/browse": _get("The model browser", "Levels, aspects, the achievements table and the KPI catalogue "
                        "with search and filters, as a page.",
                        {**_ok("the page", "text/html"), **_problems(404)}, [model_parameter], tag="pages"),
        "/benchmark": _get("The benchmark page", "One KPI across cities (a bar chart with the benchmark as the "
                           "target line) and the level distribution per aspect, from the analysis library.",
                           {**_ok("the page", "text/html"), **_problems(400, 503)},
                           [{"name": "kpi", "in": "query", "required": False, "schema": _TEXT,
                             "description": "the KPI's code in any spelling (default: the one most cities report)"},
                            {"name": "year", "in": "query", "required": False, "schema": _TEXT,
                             "description": "the year of the values (default: the latest reported)"}], tag="pages"),
        "/static/{filename}": _get("The pages' stylesheet and script", "Served by the service: the pages load "
                                   "nothing from elsewhere.", {**_ok("the file", "text/css", "text/javascript"),
                                                               **_problems(404)},
                                   [_path_parameter("filename", "sscmm.css or sscmm.js")], tag="pages"),
        "/cities": _get("Cities", "Every city with published assessments: the latest overall level and the "
                        "assessments over time.",
                        {**_ok("the cities", "application/json", "text/html", schema={
                            "type": "object", "properties": {"cities": {"type": "array", "items": _CITY}}}),
                         **_problems(406)}, tag="cities"),
        "/cities/{city_id}": _get("A city", "Its latest overall level and its assessments over time.",
                                  {**_ok("the city", "application/json", "text/html", schema=_CITY),
                                   **_problems(404, 406)},
                                  [_path_parameter("city_id", "the city's id (from /cities)")], tag="cities"),
        "/sparql": {
            "get": {"summary": "SPARQL query", "tags": ["sparql"], "description": sparql_doc,
                    "parameters": sparql_parameters, "responses": sparql_responses},
            "post": {"summary": "SPARQL query", "tags": ["sparql"], "description": sparql_doc,
                     "requestBody": {"required": True, "content": {
                         "application/x-www-form-urlencoded": {"schema": {"type": "object", "properties": {
                             "query": _TEXT}}},
                         "application/sparql-query": {"schema": _TEXT}}},
                     "parameters": sparql_parameters[1:], "responses": sparql_responses}},
        "/import": {"post": {
            "summary": "Import a filled workbook", "tags": ["import"],
            "description": "An .xlsx workbook (`sscmm template`), a .zip of its sheets as CSV, or CSV files in a "
                           "multipart form, turned into the assessment graph; with assess=1 the assessment result. "
                           "Errors name the sheet and cell (422). Nothing is stored. See docs/workbook.md.",
            "parameters": [{"name": "assess", "in": "query", "required": False, "schema": _TEXT,
                            "description": "1: answer the assessment result (JSON) instead of the graph"}],
            "requestBody": {"required": True, "content": {
                **_content("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "application/zip",
                           schema={"type": "string", "contentMediaType": "application/octet-stream"}),
                "multipart/form-data": {"schema": {"type": "object", "properties": {
                    "file": {"type": "string", "contentMediaType": "application/octet-stream"}}}}}},
            "responses": {"200": {"description": "the graph, or the result with assess=1", "content": {
                              **_content("text/turtle", "application/ld+json"),
                              **_content("application/json", schema=_RESULT)}},
                          **_problems(400, 406, 413, 415, 422)}}},
        "/context.jsonld": _get("The JSON-LD context", "Lets a city's graph be written as plain JSON; POST /assess "
                                "reads JSON with no @context, or naming this one, without fetching anything.",
                                _ok("the context", "application/ld+json"), tag="import"),
        "/analysis": _get("Analyses", "The cross-city analysis library: each analysis with its parameters "
                          "(an optional one has a natural default, computed by the query).",
                          {**_ok("the analyses", "application/json", schema={"type": "object"}), **_problems(406)},
                          tag="analysis"),
        "/analysis/{name}": _get(
            "Run an analysis", "The analysis's rows as JSON or CSV, by Accept; parameters as query parameters "
            "(GET /analysis lists them). X-SSCMM-Truncated: true when the row cap cut them off.",
            {**_ok("the rows", "application/json", "text/csv", schema={"type": "object"}),
             **_problems(400, 404, 406, 503)},
            [{**_path_parameter("name", "the analysis's name (from /analysis)"),
              "schema": {"type": "string", "enum": sorted(analyses)}}], tag="analysis"),
        "/model": _model_part("The model", model_parameter),
        "/model/levels": _model_part("The model's levels", model_parameter),
        "/model/aspects": _model_part("The model's achievement aspects", model_parameter),
        "/model/achievements": _model_part("The model's achievements", model_parameter),
        "/model/kpis": _model_part("The KPIs of the model's catalogue", model_parameter),
        "/model/kpis/{code}": _get(
            "A KPI", "By its code, written either way (`EC:ICT:ICT:1C`, `EC-ICT-ICT-1C`), with its data points.",
            {**_ok("the KPI", *_RDF_MODEL_TYPES), **_problems(404, 406)},
            [_path_parameter("code", "the KPI's code"), model_parameter], tag="model"),
        "/ontology": _get("The sscmm vocabulary", "The terms of https://w3id.org/sscmm/ontology#.",
                          {**_ok("the vocabulary", *_RDF_MODEL_TYPES), **_problems(406)}, tag="model"),
        "/model/{path}": _resolved("model"),
        "/kpi/{path}": _resolved("kpi"),
        "/unit/{path}": _resolved("unit"),
        "/ref/{path}": _resolved("ref"),
    }
    return {
        "openapi": "3.1.0",
        "info": {"title": "sscmm", "version": __version__,
                 "description": "The ITU-T Y.4904 Smart Sustainable Cities Maturity Model as a knowledge-graph "
                                "service: assess a city's graph, publish assessments, read them back, query "
                                "them with SPARQL, and browse the model. See docs/service.md."},
        "paths": paths,
        "components": {
            "securitySchemes": {"cityToken": {"type": "http", "scheme": "bearer",
                                              "description": "a token from `sscmm token create --city IRI`"},
                                "adminToken": {"type": "http", "scheme": "bearer",
                                               "description": "a token from `sscmm token create --admin`"}},
            "schemas": {
                "Problem": {"type": "object", "required": ["type", "title", "status"], "properties": {
                    "type": _TEXT, "title": _TEXT, "status": {"type": "integer"}, "detail": _TEXT,
                    "instance": _TEXT, "line": {"type": "integer"}, "column": {"type": "integer"},
                    "errors": {"type": "array", "items": {"type": "object"}}}},
                "Level": {"type": ["object", "null"], "properties": {
                    "order": {"type": "integer"}, "name": _TEXT, "iri": _TEXT}},
                "AssessmentResult": {"type": "object", "description": "as `sscmm assess --format json`",
                                     "properties": {"city": {"type": ["object", "null"]},
                                                    "assessment": {"type": ["object", "null"]},
                                                    "overall_level": {"$ref": "#/components/schemas/Level"},
                                                    "aspects": {"type": "array"}, "dimensions": {"type": "array"},
                                                    "levels": {"type": "array"}, "kpis": {"type": "array"},
                                                    "actions": {"type": "array"}, "input_errors": {"type": "array"}}},
                "AssessmentRecord": {"type": "object", "properties": {
                    "id": _TEXT, "assessment": _TEXT, "date": {"type": ["string", "null"]},
                    "overall_level": {"$ref": "#/components/schemas/Level"}, "model": _TEXT, "published": _TEXT,
                    "link": _TEXT}},
                "City": {"type": "object", "properties": {
                    "id": _TEXT, "iri": _TEXT, "name": _TEXT, "link": _TEXT, "latest": _RECORD,
                    "assessments": {"type": "array", "items": _RECORD}}},
            },
        },
    }
