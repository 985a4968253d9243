"""Errors as RFC 9457 problem details (application/problem+json), for every status.

``type`` is ``about:blank`` when the status says it all, else a problem IRI under
``https://w3id.org/sscmm/problems/`` (listed in docs/service.md); extra members carry the
details a client acts on: ``line`` and ``column`` of a parse error, the input ``errors``.
"""

import logging
from http import HTTPStatus

from flask import Response, json, request
from werkzeug.exceptions import HTTPException

from ..store import StoreUnavailable

PROBLEM_TYPES = "https://w3id.org/sscmm/problems/"
log = logging.getLogger("sscmm.web")


class Problem(Exception):
    """Raised by a view: the response is the problem document."""

    def __init__(self, status, detail, slug=None, title=None, headers=None, **extra):
        super().__init__(detail)
        self.status, self.detail, self.slug, self.title = status, detail, slug, title
        self.headers, self.extra = headers or {}, extra

    def response(self):
        body = {"type": PROBLEM_TYPES + self.slug if self.slug else "about:blank",
                "title": self.title or HTTPStatus(self.status).phrase, "status": self.status,
                "detail": self.detail, "instance": request.path}
        body.update({k: v for k, v in self.extra.items() if v is not None})
        response = Response(json.dumps(body, ensure_ascii=False, indent=2) + "\n", status=self.status,
                            mimetype="application/problem+json")
        response.headers.update(self.headers)
        return response


def _http_error(error):
    """Werkzeug's own errors (404 unknown path, 405, 413 body too large, ...)."""
    problem = Problem(error.code, error.description, headers=dict(error.get_headers()))
    problem.headers.pop("Content-Type", None)
    return problem.response()


def _store_unavailable(error):
    """A SPARQL store that is down or too slow: 503, the store's state unknown but unharmed."""
    log.warning("store unavailable on %s %s: %s", request.method, request.path, error)
    return Problem(503, str(error), slug="store-unavailable", title="The store is unavailable",
                   headers={"Retry-After": "30"}).response()


def _unexpected(_error):
    log.exception("unexpected error on %s %s", request.method, request.path)
    return Problem(500, "an unexpected error occurred; it has been logged").response()


def register_error_handlers(app):
    app.register_error_handler(Problem, Problem.response)
    app.register_error_handler(HTTPException, _http_error)
    app.register_error_handler(StoreUnavailable, _store_unavailable)
    app.register_error_handler(Exception, _unexpected)
