"""Real SPARQL servers on loopback for the store tests and bench/analysis.py: ``oxigraph
serve`` (PyPI ``oxigraph``) and Virtuoso (Debian ``virtuoso-opensource``), each on free
ports in a temporary directory, stopped afterwards.

Virtuoso: a copy of the packaged virtuoso.ini with its files, ports (bound to 127.0.0.1)
and result cap changed; SPARQL Update over HTTP is granted to the anonymous ``SPARQL``
user through ``isql-vt`` (``GRANT SPARQL_UPDATE``), so the service needs no credentials.
Virtuoso has no Graph Store Protocol without authentication: the service writes with
SPARQL Update there.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from .service_support import free_port

VIRTUOSO_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")


@dataclass(frozen=True)
class SparqlServer:
    """Where a running server answers; ``config`` is what the service's STORE takes
    (``isql``: Virtuoso's admin endpoint, for its bulk loader)."""

    name: str
    query_url: str
    update_url: str
    gsp_url: str | None
    isql: str | None = None

    @property
    def config(self):
        return {"STORE": "sparql", "QUERY_URL": self.query_url, "UPDATE_URL": self.update_url,
                "GSP_URL": self.gsp_url}

    def cli_args(self):
        args = ["--store", "sparql", "--query-url", self.query_url, "--update-url", self.update_url]
        return args + (["--gsp-url", self.gsp_url] if self.gsp_url else [])


def oxigraph_binary():
    exe = Path(sys.executable).with_name("oxigraph")
    return str(exe) if exe.exists() else shutil.which("oxigraph")


def _wait(url, process, log, seconds=60):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}):\n{Path(log).read_text(errors='replace')}")
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers
        except OSError:
            time.sleep(0.1)
    raise RuntimeError(f"the server did not answer at {url} within {seconds} s")


def stop_process(process):
    process.terminate()
    try:
        process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def start_oxigraph(directory, port):
    """``oxigraph serve`` over the store in ``directory`` on ``port`` (its default graph is
    the union), once it answers: (process, SparqlServer). The same directory and port
    again is the same server after a restart."""
    Path(directory).mkdir(parents=True, exist_ok=True)
    log = Path(directory) / "oxigraph.log"
    with log.open("a") as out:
        process = subprocess.Popen([oxigraph_binary(), "serve", "--location", str(Path(directory) / "store"),
                                    "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
                                   stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        _wait(base + "/query?query=ASK%7B%7D", process, log)
    except RuntimeError:
        stop_process(process)
        raise
    return process, SparqlServer("oxigraph", base + "/query", base + "/update", base + "/store")


@contextmanager
def oxigraph_server(directory):
    """``oxigraph serve`` over a store in ``directory`` on a free port, stopped afterwards."""
    process, server = start_oxigraph(directory, free_port())
    try:
        yield server
    finally:
        stop_process(process)


def virtuoso_ini(directory, port, http_port, buffers=20000, dirs_allowed=()):
    """The packaged virtuoso.ini with everything moved into ``directory`` (and the bulk
    loader allowed to read ``dirs_allowed``)."""
    text = VIRTUOSO_INI.read_text()
    directory = Path(directory)
    replacements = {
        r"^DirsAllowed\s*=.*": "DirsAllowed = " + ", ".join([".", *map(str, dirs_allowed)]),
        r"^DatabaseFile\s*=\s*\S*virtuoso\.db": f"DatabaseFile = {directory}/virtuoso.db",
        r"^ErrorLogFile\s*=.*": f"ErrorLogFile = {directory}/virtuoso.log",
        r"^LockFile\s*=.*": f"LockFile = {directory}/virtuoso.lck",
        r"^TransactionFile\s*=\s*\S*virtuoso\.trx": f"TransactionFile = {directory}/virtuoso.trx",
        r"^DatabaseFile\s*=\s*\S*virtuoso-temp\.db": f"DatabaseFile = {directory}/virtuoso-temp.db",
        r"^TransactionFile\s*=\s*\S*virtuoso-temp\.trx": f"TransactionFile = {directory}/virtuoso-temp.trx",
        r"^xa_persistent_file\s*=.*": f"xa_persistent_file = {directory}/virtuoso.pxa",
        r"^ServerPort\s*=\s*1111": f"ServerPort = 127.0.0.1:{port}",
        r"^ServerPort\s*=\s*8890": f"ServerPort = 127.0.0.1:{http_port}",
        r"^NumberOfBuffers\s*=.*": f"NumberOfBuffers = {buffers}",
        r"^MaxDirtyBuffers\s*=.*": f"MaxDirtyBuffers = {buffers * 3 // 4}",
        r"^ResultSetMaxRows\s*=.*": "ResultSetMaxRows = 100000000",
        # Virtuoso refuses a query by its own estimate of the time (docs/service.md)
        r"^MaxQueryCostEstimationTime\s*=.*": "MaxQueryCostEstimationTime = 0",
        r"^Load\d+\s*=.*": "",  # no hosting plugins
    }
    for pattern, value in replacements.items():
        text = re.sub(pattern, value, text, flags=re.MULTILINE)
    path = directory / "virtuoso.ini"
    path.write_text(text)
    return path


def isql(server, statements, timeout=60):
    """Run SQL statements through ``isql-vt`` as the Virtuoso admin; RuntimeError on failure."""
    done = subprocess.run(["isql-vt", server.isql, "dba", "dba", f"exec={statements}"], capture_output=True,
                          text=True, timeout=timeout, check=False, env={**os.environ, "HOME": tempfile.gettempdir()})
    if done.returncode != 0 or "*** Error" in done.stdout + done.stderr:
        raise RuntimeError(f"isql-vt failed on {statements[:80]!r}:\n{done.stdout}\n{done.stderr}")
    return done.stdout


@contextmanager
def virtuoso_server(directory, buffers=20000, dirs_allowed=()):
    """``virtuoso-t`` in the foreground on free ports, SPARQL Update granted to SPARQL."""
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    port, http_port = free_port(), free_port()
    ini = virtuoso_ini(directory, port, http_port, buffers, dirs_allowed)
    log = directory / "virtuoso-stdout.log"
    with log.open("w") as out:
        process = subprocess.Popen(["virtuoso-t", "+foreground", "+configfile", str(ini)], cwd=directory,
                                   stdout=out, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{http_port}"
    try:
        _wait(base + "/sparql?query=ASK%7B%7D", process, log, seconds=120)
        server = SparqlServer("virtuoso", base + "/sparql", base + "/sparql", None, f"127.0.0.1:{port}")
        isql(server, 'GRANT SPARQL_UPDATE TO "SPARQL";')
        yield server
    finally:
        stop_process(process)
