"""The cities that published assessments: each with its latest overall level and its
assessments over time (GET /cities, GET /cities/{id})."""

from flask import Blueprint, jsonify, render_template

from . import services
from .content import negotiate
from .problems import Problem

bp = Blueprint("cities", __name__)
MEDIA_TYPES = ("application/json", "text/html")


def city_summaries(records):
    """Records (by date, then publication) grouped into city summaries, sorted by name."""
    cities = {}
    for record in records:
        city = cities.setdefault(record.city_id, {
            "id": record.city_id, "iri": record.city, "name": record.city_name,
            "link": f"/cities/{record.city_id}", "latest": None, "assessments": []})
        city["assessments"].append(record.as_dict())
        city["latest"] = city["assessments"][-1]
        city["name"] = record.city_name  # as its latest assessment names it
    return sorted(cities.values(), key=lambda c: (c["name"].casefold(), c["id"]))


@bp.get("/cities")
def cities():
    media_type = negotiate(MEDIA_TYPES)
    found = city_summaries(services().store.records())
    if media_type == "text/html":
        return render_template("cities.html", cities=found)
    return jsonify({"cities": found})


@bp.get("/cities/<city_id>")
def city(city_id):
    found = city_summaries(services().store.records(city_id=city_id))
    if not found:
        raise Problem(404, f"no city with published assessments has the id {city_id!r}")
    media_type = negotiate(MEDIA_TYPES)
    if media_type == "text/html":
        return render_template("city.html", city=found[0])
    return jsonify(found[0])
