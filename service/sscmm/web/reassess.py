"""Reassessing every published city inside the store (POST /reassess, with an admin token)."""

from flask import Blueprint, jsonify, request

from ..reassess import ReassessError, reassess_store
from . import services
from .problems import Problem

bp = Blueprint("reassess", __name__)


def _require_admin():
    """401 without a live admin token (``sscmm token create --admin``); a city's token is 403."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        raise Problem(401, "reassessing needs an admin token: Authorization: Bearer TOKEN",
                      headers={"WWW-Authenticate": 'Bearer realm="sscmm", scope="admin"'})
    tokens = services().tokens
    if tokens.is_admin(token.strip()):
        return
    if tokens.city_for(token.strip()) is not None:
        raise Problem(403, "this token publishes for a city; reassessing needs a token with the admin scope",
                      slug="admin-scope", title="The token has no admin scope")
    raise Problem(401, "the token is unknown or revoked",
                  headers={"WWW-Authenticate": 'Bearer realm="sscmm", error="invalid_token"'})


@bp.post("/reassess")
def reassess():
    """Recompute and store the levels of every published city (``city=IRI``, repeatable: of
    those cities) against the model (``model=NAME``); answers the summary."""
    _require_admin()
    cities = request.args.getlist("city")
    try:
        summary = reassess_store(services(), request.args.get("model"), cities or None)
    except ReassessError as err:
        raise Problem(400 if "model" in str(err).lower() else 404, str(err), slug="reassess") from None
    return jsonify(summary)
