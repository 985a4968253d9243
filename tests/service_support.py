"""Shared by the service tests: example graphs, variants of them, a real ``sscmm serve``
process on a free port, and a local HTTP server that records what is fetched from it (to
prove nothing is)."""

import os
import signal
import socket
import subprocess
import sys
import threading
import time
from contextlib import contextmanager
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import requests

from sscmm.paths import ROOT

EXAMPLES = ROOT / "data" / "examples"
BRACKENFORD_CITY = "https://data.brackenford.example/ssc/city"
SALTMERE_CITY = "https://data.saltmere.example/ssc/city"
#: The limits of the servers the tests start (small, so they can be shown).
SERVER_ENV = {"SSCMM_MAX_CONTENT_LENGTH": "200000", "SSCMM_SPARQL_TIMEOUT": "3", "SSCMM_SPARQL_MAX_ROWS": "1000"}


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


def sscmm_command(*args):
    """The installed ``sscmm`` console script with its arguments."""
    exe = Path(sys.executable).with_name("sscmm")
    return [str(exe) if exe.exists() else sys.executable, *([] if exe.exists() else ["-m", "sscmm"]), *args]


@dataclass
class Server:
    url: str
    process: subprocess.Popen
    log: Path


def start_server(data_dir, *args, env=None, port=None):
    """Start ``sscmm serve`` over data_dir (SERVER_ENV, then env) and wait until /health answers."""
    port = port or free_port()
    log = Path(data_dir).parent / f"serve-{port}-{time.monotonic_ns()}.log"
    with log.open("w") as out:
        process = subprocess.Popen(sscmm_command("serve", "--port", str(port), "--data-dir", str(data_dir), *args),
                                   stdout=out, stderr=subprocess.STDOUT, env={**os.environ, **SERVER_ENV, **(env or {})})
    server = Server(f"http://127.0.0.1:{port}", process, log)
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise AssertionError(f"sscmm serve exited:\n{log.read_text()}")
        try:
            if requests.get(server.url + "/health", timeout=2).status_code == 200:
                return server
        except requests.ConnectionError:
            time.sleep(0.1)
    kill_server(server)
    raise AssertionError(f"sscmm serve did not answer /health:\n{log.read_text()}")


def stop_server(server):
    """SIGTERM, and the server must exit cleanly (0)."""
    server.process.terminate()
    try:
        assert server.process.wait(timeout=20) == 0, server.log.read_text()
    except subprocess.TimeoutExpired:
        kill_server(server)
        raise


def kill_server(server):
    """SIGKILL (kill -9): no clean-up of any kind; its SPARQL workers exit with their pipe."""
    server.process.send_signal(signal.SIGKILL)
    server.process.wait()


@contextmanager
def running(data_dir, *args, env=None):
    server = start_server(data_dir, *args, env=env)
    try:
        yield server
    finally:
        if server.process.poll() is None:
            stop_server(server)


@contextmanager
def recording_server():
    """A loopback HTTP server that records every connection and request made to it, and
    answers each with a JSON-LD context (what a remote @context would fetch); yields
    (base URL, list of what arrived)."""
    arrived = []

    class Handler(BaseHTTPRequestHandler):
        def _answer(self):
            arrived.append(f"{self.command} {self.path}")
            body = b'{"@context": {"name": "http://xmlns.com/foaf/0.1/name"}}'
            self.send_response(200)
            self.send_header("Content-Type", "application/ld+json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        do_GET = do_POST = do_HEAD = do_PUT = _answer  # every method: the http.server API

        def log_message(self, *args):
            pass

    class Recording(ThreadingHTTPServer):
        def verify_request(self, request, client_address):
            arrived.append(f"connection from {client_address[0]}")
            return True

    server = Recording(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", arrived
    finally:
        server.shutdown()
        server.server_close()
