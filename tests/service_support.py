"""Shared by the service tests: example graphs, variants of them, and a local HTTP server
that records what is fetched from it (to prove nothing is)."""

import socket
import threading
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from sscmm.paths import ROOT

EXAMPLES = ROOT / "data" / "examples"
BRACKENFORD_CITY = "https://data.brackenford.example/ssc/city"
SALTMERE_CITY = "https://data.saltmere.example/ssc/city"


def example(name):
    return (EXAMPLES / name).read_text(encoding="utf-8")


def brackenford_variant(index):
    """Brackenford's graph with its assessment renamed: a new assessment of the same city."""
    text = example("brackenford.ttl")
    assert text.count(":assessment-2024 ") == 1
    return text.replace(":assessment-2024 ", f":assessment-2024-v{index} ")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def recording_server():
    """A local HTTP server answering every GET with a JSON-LD context; yields (base URL,
    list of paths requested)."""
    requested = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802 - the http.server API
            requested.append(self.path)
            body = b'{"@context": {"name": "http://xmlns.com/foaf/0.1/name"}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", requested
    finally:
        server.shutdown()
        server.server_close()
