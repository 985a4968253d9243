"""Shared fixtures: the shipped model, a tiny valid model, and running the CLI for real."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from rdflib import Graph

from sscmm.model import load_model
from sscmm.paths import ONTOLOGY_DIR, ROOT

from .store_servers import oxigraph_binary, oxigraph_server, virtuoso_server

FIXTURES = Path(__file__).parent / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture(scope="session")
def shipped_model():
    """The model as shipped in ontology/ (tests must not modify it: copy it)."""
    return load_model()


def mini_model():
    """A fresh copy of the smallest valid model, with the vocabulary it uses."""
    return load_model([ONTOLOGY_DIR / "sscmm.ttl", ONTOLOGY_DIR / "references.ttl",
                       FIXTURES / "mini-model.ttl"])


def copy_graph(graph):
    copy = Graph()
    copy += graph
    for prefix, namespace in graph.namespaces():
        copy.bind(prefix, namespace, override=True)
    return copy


@pytest.fixture
def ontology_copy(tmp_path):
    """A copy of ontology/ that a test may break."""
    target = tmp_path / "ontology"
    shutil.copytree(ONTOLOGY_DIR, target, ignore=shutil.ignore_patterns("src"))
    return target


def run_cli(*args, timeout=300):
    """Run the installed ``sscmm`` console script as a user would."""
    exe = Path(sys.executable).with_name("sscmm")
    command = [str(exe)] if exe.exists() else [sys.executable, "-m", "sscmm"]
    return subprocess.run(command + list(args), capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONIOENCODING": "utf-8"}, cwd=ROOT)


def need(binary, why):
    if shutil.which(binary) is None and not (binary == "oxigraph" and oxigraph_binary()):
        pytest.skip(f"{binary} is not installed ({why})")


@pytest.fixture(scope="session")
def oxigraph(tmp_path_factory):
    need("oxigraph", "pip install oxigraph, the test extra")
    with oxigraph_server(tmp_path_factory.mktemp("oxigraph")) as server:
        yield server


@pytest.fixture(scope="session")
def virtuoso(tmp_path_factory):
    need("virtuoso-t", "apt-get install virtuoso-opensource; .ci/run installs it")
    with virtuoso_server(tmp_path_factory.mktemp("virtuoso")) as server:
        yield server


def make_app(data_dir, **config):
    """The service app over a fresh store in data_dir (Flask's test client drives it)."""
    from sscmm.web import create_app

    return create_app({"DATA_DIR": str(data_dir), **config})


@pytest.fixture(scope="session")
def demo_app(tmp_path_factory):
    """One app with the example cities published, for the tests that only read. A short
    SPARQL time limit and row cap, and one query worker, so the limits can be shown."""
    app = make_app(tmp_path_factory.mktemp("demo-data"), SPARQL_TIMEOUT=2, SPARQL_MAX_ROWS=100, SPARQL_WORKERS=1)
    app.extensions["sscmm"].publish_examples()
    yield app
    app.extensions["sscmm"].close()


@pytest.fixture
def demo_client(demo_app):
    return demo_app.test_client()
