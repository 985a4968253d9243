"""Reassessing every published city inside the store (POST /reassess, with an admin token)."""

from flask import Blueprint, jsonify, request

from ..reassess import NotPublished, UnknownModel, reassess_store
from . import services
from .assessments import bearer_token, invalid_token
from .problems import Problem

bp = Blueprint("reassess", __name__)


def _require_admin():
    """401 without a live admin token (``sscmm token create --admin``); a city's token is 403."""
    token = bearer_token("reassessing needs an admin token", 'Bearer realm="sscmm", scope="admin"')
    tokens = services().tokens
    if tokens.is_admin(token):
        return
    if tokens.city_for(token) is not None:
        raise Problem(403, "this token publishes for a city; reassessing needs a token with the admin scope",
                      slug="admin-scope", title="The token has no admin scope")
    raise invalid_token()


@bp.post("/reassess")
def reassess():
    """Recompute and store the levels of every published city (``city=IRI``, repeatable: of
    those cities) against the model (``model=NAME``); answers the summary."""
    _require_admin()
    cities = request.args.getlist("city")
    try:
        summary = reassess_store(services(), request.args.get("model"), cities or None)
    except UnknownModel as err:
        raise Problem(400, str(err), slug="unknown-model") from None
    except NotPublished as err:
        raise Problem(404, str(err)) from None
    return jsonify(summary)
