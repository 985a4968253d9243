"""Read-only SPARQL over the published assessments, with a time limit that stops the query.

pyoxigraph has no way to cancel a query, and evaluates some queries (aggregates, ORDER BY)
entirely inside the first call, so a deadline checked between results would not stop
them. Each query therefore runs in a worker process on a read-only snapshot of the store
(``EmbeddedStore.snapshot``); a query past its time limit is stopped by ending its
process, and a fresh worker takes its place. Results past the row cap are cut off and the
answer says so.

Before a query reaches a worker, ``check_query`` refuses SPARQL Update and ``SERVICE``
(which makes pyoxigraph call out over HTTP), wherever they are nested, and names the form.
"""

import itertools
import multiprocessing
import queue
import re
import time
from dataclasses import dataclass

import pyoxigraph as ox

#: Response media types by query form, in order of preference when the client accepts any.
RESULT_MEDIA_TYPES = ("application/sparql-results+json", "application/json", "application/sparql-results+xml",
                      "text/csv", "text/tab-separated-values")
GRAPH_MEDIA_TYPES = ("text/turtle", "application/n-triples", "application/ld+json", "application/rdf+xml")
MEDIA_TYPES = {"SELECT": RESULT_MEDIA_TYPES, "ASK": RESULT_MEDIA_TYPES,
               "CONSTRUCT": GRAPH_MEDIA_TYPES, "DESCRIBE": GRAPH_MEDIA_TYPES}

#: What a SPARQL tokenizer reads as strings, IRIs, comments and the escaped characters of
#: local names (SPARQL 1.1 grammar, STRING_LITERAL*, IRIREF, comments, PN_LOCAL_ESC): a
#: keyword inside one is not a keyword. An escape (ex:a\' or ex:a\#) is consumed as part
#: of its name, or its quote would open a "string", or its # a "comment", hiding what follows.
_NOT_KEYWORDS = re.compile(r"""
      \\[_~.\-!$&'()*+,;=/?\#@%]
    | '''(?:(?:'|'')?(?:[^'\\]|\\.))*'''
    | \"\"\"(?:(?:"|"")?(?:[^"\\]|\\.))*\"\"\"
    | '(?:[^'\\\n\r]|\\.)*'
    | "(?:[^"\\\n\r]|\\.)*"
    | <[^<>"{}|^`\\\x00-\x20]*>
    | \#[^\n\r]*
""", re.VERBOSE)
_FORM = r"SELECT|CONSTRUCT|DESCRIBE|ASK"
_UPDATE = r"INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD"


def _keyword(words):
    """A bare keyword: not part of a variable, prefixed name, language tag or longer word."""
    return re.compile(rf"(?<![\w?$:@])({words})(?![\w:\-])", re.IGNORECASE)


_FORM_KEYWORD, _UPDATE_KEYWORD, _SERVICE_KEYWORD = _keyword(_FORM), _keyword(_UPDATE), _keyword("SERVICE")


class QueryRefused(ValueError):
    """A request this endpoint does not evaluate (update, SERVICE, not a query)."""

    def __init__(self, slug, message):
        super().__init__(message)
        self.slug = slug


class QueryFailed(Exception):
    """The query could not be evaluated (a syntax error, a store error)."""

    def __init__(self, slug, message):
        super().__init__(message)
        self.slug = slug


class QueryTimeout(Exception):
    """The time limit was reached; the query was stopped."""


def check_query(query):
    """The form of a read-only query without SERVICE ('SELECT', 'ASK', ...), else QueryRefused."""
    code = _NOT_KEYWORDS.sub(" ", query)
    update = _UPDATE_KEYWORD.search(code)
    if update:
        raise QueryRefused("update-refused", f"SPARQL Update ({update.group(1).upper()}) is not accepted: "
                                             "this endpoint only answers queries")
    if _SERVICE_KEYWORD.search(code):
        raise QueryRefused("service-refused", "SERVICE is not accepted: queries run over the published "
                                              "assessments only and never call other endpoints")
    form = _FORM_KEYWORD.search(code)
    if form is None:
        raise QueryRefused("not-a-query", "not a SPARQL query: no SELECT, CONSTRUCT, DESCRIBE or ASK")
    return form.group(1).upper()


@dataclass(frozen=True)
class Job:
    snapshot: str
    query: str
    media_type: str
    max_rows: int
    default_graphs: tuple = ()
    named_graphs: tuple = ()


@dataclass(frozen=True)
class Answer:
    body: bytes
    truncated: bool


def _evaluate(store, job):
    """(body, truncated) of one query; runs in a worker process."""
    options = {"use_default_graph_as_union": not job.default_graphs}
    if job.default_graphs:
        options["default_graph"] = [ox.NamedNode(g) for g in job.default_graphs]
    if job.named_graphs:
        options["named_graphs"] = [ox.NamedNode(g) for g in job.named_graphs]
    return encode(store.query(job.query, **options), job.media_type, job.max_rows)


class _Lines:
    """A binary output that keeps what is written to it and stops the writer (``Full``)
    once it holds more than ``limit`` complete lines."""

    class Full(Exception):
        pass

    def __init__(self, limit):
        self.data, self.lines, self.limit = bytearray(), 0, limit

    def write(self, chunk):
        self.data += chunk
        self.lines += chunk.count(b"\n")
        if self.lines > self.limit:
            raise self.Full
        return len(chunk)

    def flush(self):
        pass


def encode(results, media_type, max_rows):
    """(body, truncated): pyoxigraph results (a boolean, solutions, or any iterable of
    triples) written in the media type, cut off after max_rows solutions or triples."""
    if isinstance(results, ox.QueryBoolean):
        return results.serialize(format=ox.QueryResultsFormat.from_media_type(media_type)), False
    if not isinstance(results, ox.QuerySolutions):
        rows = list(itertools.islice(results, max_rows + 1))
        return ox.serialize(rows[:max_rows], format=ox.RdfFormat.from_media_type(media_type)), len(rows) > max_rows
    # Solutions are written by pyoxigraph itself (Python per term costs ~50 µs a row): as
    # SPARQL TSV, one line a solution after the header line, stopped once a solution past
    # the cap is written; the lines kept are then rewritten in the media type. (TSV writes
    # every term in N-Triples syntax, so nothing is lost on the way.)
    out = _Lines(max_rows + 1)
    try:
        results.serialize(out, format=ox.QueryResultsFormat.TSV)
    except _Lines.Full:
        pass
    lines = bytes(out.data).split(b"\n")[:-1]  # the complete lines: the header, then a solution each
    truncated = len(lines) > max_rows + 1
    kept = ox.parse_query_results(b"".join(line + b"\n" for line in lines[:max_rows + 1]),
                                  format=ox.QueryResultsFormat.TSV)
    return kept.serialize(format=ox.QueryResultsFormat.from_media_type(media_type)), truncated


def _serve(conn):
    """A worker process: answer jobs until the parent closes the pipe."""
    store, opened = None, None
    while True:
        try:
            job = conn.recv()
        except EOFError:
            return
        try:
            if job.snapshot != opened:
                store, opened = None, None  # release the previous snapshot first
                store, opened = ox.Store.read_only(job.snapshot), job.snapshot
            body, truncated = _evaluate(store, job)
            conn.send(("ok", body, truncated))
        except SyntaxError as err:
            conn.send(("syntax-error", str(err)))
        except Exception as err:  # noqa: BLE001 - the parent turns it into a problem response
            conn.send(("query-failed", f"{type(err).__name__}: {err}"))


class _Worker:
    """One worker process and the pipe to it."""

    def __init__(self, context):
        self._context = context
        self._start()

    def _start(self):
        self._conn, child = self._context.Pipe()
        self.process = self._context.Process(target=_serve, args=(child,), daemon=True, name="sscmm-sparql-worker")
        self.process.start()
        child.close()

    def ask(self, job, timeout):
        """The worker's reply, or None when the time ran out (the worker is then replaced)."""
        self._conn.send(job)
        if self._conn.poll(max(timeout, 0)):
            try:
                return self._conn.recv()
            except EOFError:
                self.restart()
                return ("query-failed", "the query worker stopped unexpectedly")
        self.restart()
        return None

    def restart(self):
        self.stop()
        self._start()

    def stop(self):
        self.process.kill()
        self.process.join()
        self._conn.close()


class QueryRunner:
    """A pool of query workers over snapshots of an EmbeddedStore."""

    def __init__(self, store, workers=2, timeout=10.0, max_rows=10000):
        self.store, self.timeout, self.max_rows = store, float(timeout), int(max_rows)
        context = multiprocessing.get_context("spawn")  # no fork of a process holding RocksDB and threads
        self._workers = [_Worker(context) for _ in range(int(workers))]
        self._idle = queue.LifoQueue()
        for worker in self._workers:
            self._idle.put(worker)
        self._closed = False

    def run(self, query, media_type, default_graphs=(), named_graphs=()):
        """Evaluate a checked query; Answer, or QueryTimeout / QueryFailed."""
        deadline = time.monotonic() + self.timeout
        try:
            worker = self._idle.get(timeout=self.timeout)
        except queue.Empty:
            raise QueryTimeout(f"no query worker was free within the time limit of {self.timeout:g} s") from None
        try:
            with self.store.snapshot() as snapshot:
                job = Job(snapshot, query, media_type, self.max_rows, tuple(default_graphs), tuple(named_graphs))
                reply = worker.ask(job, deadline - time.monotonic())
        finally:
            self._idle.put(worker)
        if reply is None:
            raise QueryTimeout(f"the query was stopped at the time limit of {self.timeout:g} s")
        status, *payload = reply
        if status != "ok":
            raise QueryFailed(status, payload[0])
        body, truncated = payload
        return Answer(body, truncated)

    def close(self):
        if not self._closed:
            self._closed = True
            for worker in self._workers:
                worker.stop()
