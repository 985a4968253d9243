"""Regression: SERVICE hidden behind an escaped character of a local name. SPARQL lets a
prefixed name carry ``\\'`` or ``\\#`` (PN_LOCAL_ESC); the keyword check read that quote as
the start of a string (or the ``#`` as a comment) and so did not see a SERVICE after it,
and pyoxigraph then POSTed to the endpoint. Found by the attack tests (a loopback
listener); the check now reads the escape as part of the name."""

import pytest

from sscmm.queries import QueryRefused, check_query

from .service_support import recording_server

HIDDEN = [
    "PREFIX ex: <http://e/> SELECT * WHERE {{ VALUES ?v {{ ex:a\\' }} SERVICE <{url}> {{ ?x ?y ?z }} FILTER(?v != 'x') }}",
    "PREFIX ex: <http://e/> SELECT * WHERE {{ VALUES ?v {{ ex:a\\# }} SERVICE <{url}> {{ ?x ?y ?z }} }}",
]


@pytest.mark.parametrize("template", HIDDEN)
def test_service_after_an_escaped_name_is_refused(demo_client, template):
    with recording_server() as (base, arrived):
        query = template.format(url=base + "/sparql")
        with pytest.raises(QueryRefused):
            check_query(query)
        response = demo_client.get("/sparql", query_string={"query": query})
    assert response.status_code == 400 and response.get_json()["type"].endswith("/service-refused")
    assert arrived == []


def test_escaped_names_without_service_still_run(demo_client):
    query = "PREFIX ex: <http://e/> SELECT ?v WHERE { VALUES ?v { ex:a\\' ex:b\\# } FILTER(?v != 'x') }"
    response = demo_client.get("/sparql", query_string={"query": query})
    assert response.status_code == 200 and len(response.get_json()["results"]["bindings"]) == 2
