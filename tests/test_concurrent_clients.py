"""The bounded load test (bench/load.py) as a test: 8 concurrent clients for 15 seconds
against a real ``sscmm serve --demo`` on loopback, mixing POST /assess, GET /sparql and
publishing. Zero errors, zero lost writes (every 201 is readable and listed afterwards),
and every kind of request was made. The full run is ``bench/load.py`` (16 clients, 60 s)."""

import io
import sys

import requests

from sscmm.paths import ROOT
from sscmm.tokens import TokenStore

from .service_support import BRACKENFORD_CITY, running

sys.path.insert(0, str(ROOT / "bench"))
import load  # noqa: E402

CLIENTS, SECONDS = 8, 15


def test_concurrent_clients_lose_nothing(tmp_path):
    data_dir = tmp_path / "data"
    token = TokenStore(data_dir).create(BRACKENFORD_CITY)[0]
    with running(data_dir, "--demo") as server:
        result = load.run(server.url, token, clients=CLIENTS, seconds=SECONDS)
        figures = io.StringIO()
        problems = load.report(result, CLIENTS, out=figures)
        print(figures.getvalue())
        assert problems == 0 and result.errors == [] and result.lost == [], figures.getvalue()
        assert {kind for kind, _seconds, ok in result.samples if ok} == set(load.WEIGHTS), figures.getvalue()
        assert len(result.published) >= 5, figures.getvalue()
        brackenford = next(c for c in requests.get(server.url + "/cities", timeout=60).json()["cities"]
                           if c["iri"] == BRACKENFORD_CITY)
        assert len(brackenford["assessments"]) == 1 + len(result.published)  # the demo's, and each 201 once
