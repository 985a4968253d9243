"""The embedded store: one pyoxigraph Store on disk per process (``DATA_DIR/store``).

A publication is written in one transaction (one ``Store.extend``), under a lock that
serialises writes, so a failure leaves nothing behind. Many publications at once
(``write_many``: ``sscmm load``) go through RocksDB's bulk loader (``Store.bulk_extend``,
about 4x faster, not transactional), the catalogue records last in one transaction; if
the bulk write fails, the graphs of the publications not listed are removed again.
Bulk-loaded files are compacted afterwards (``optimize``): a thousand cities are queried
2-3x slower before (pyoxigraph looks every statement up in each file a batch wrote).

SPARQL runs in worker processes (``sscmm.queries.QueryRunner``) on read-only snapshots of
the store, so a query past its time limit can be stopped.
"""

import shutil
import threading
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .queries import QueryRunner
from .store import (
    CATALOGUE_GRAPH,
    DCTERMS_IDENTIFIER,
    PREFIX_IRIS,
    RDF_VALUE,
    AlreadyPublished,
    Store,
    assessment_graph,
    oxigraph_triples,
    records_from_rows,
    records_query,
    result_graph,
)


@dataclass
class _Snapshot:
    path: Path
    generation: int
    readers: int = 0


class EmbeddedStore(Store):
    """Published assessments in ``DATA_DIR/store``; writes are serialised by one lock."""

    def __init__(self, data_dir, workers=2, timeout=10.0, max_rows=10000):
        self.data_dir = Path(data_dir)
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.store = ox.Store(str(self.data_dir / "store"))
        self._write_lock = threading.Lock()
        self._generation = 0
        self._snapshots_dir = self.data_dir / "snapshots"
        shutil.rmtree(self._snapshots_dir, ignore_errors=True)  # only this process uses them
        self._snapshots = []
        self._runner = QueryRunner(self, workers, timeout, max_rows)

    # -- writing ----------------------------------------------------------------------

    def replace_graphs(self, graphs):
        quads = [ox.Quad(t.subject, t.predicate, t.object, name)
                 for name, graph in graphs.items() for t in oxigraph_triples(graph)]
        with self._write_lock:
            for name in graphs:
                self.store.remove_graph(name)
            self.store.extend(quads)
            self._generation += 1

    def replace_triples(self, graphs):
        """Writes only what differs from the stored graphs: a graph written again with the same
        triples (a reassessment that changes no level, its time aside) costs a read. Writing
        1,000 reassessment graphs whole took 2-3.5 s; again, with no level changed, 0.7 s."""
        with self._write_lock:
            stale, fresh = [], []
            for name, triples in graphs.items():
                stored = set(self.store.quads_for_pattern(None, None, None, name))
                wanted = {ox.Quad(t.subject, t.predicate, t.object, name) for t in triples}
                stale += stored - wanted
                fresh += wanted - stored
            for quad in stale:
                self.store.remove(quad)
            self.store.extend(fresh)
            self._generation += 1

    def add_triples(self, name, triples):
        with self._write_lock:
            self.store.extend([ox.Quad(t.subject, t.predicate, t.object, name) for t in triples])
            self._generation += 1

    def write(self, publication):
        record = publication.record
        quads = publication.quads()
        with self._write_lock:
            if self.is_listed(record.id):
                raise AlreadyPublished(record.id, record.assessment)
            self.store.extend(quads)
            self._generation += 1

    def write_many(self, publications):
        with self._write_lock:
            fresh = {}
            for prepared in publications:
                if prepared.record.id not in fresh and not self.is_listed(prepared.record.id):
                    fresh[prepared.record.id] = prepared
            graphs = [ox.Quad(t.subject, t.predicate, t.object, name) for prepared in fresh.values()
                      for name, triples in prepared.graphs.items() if name != CATALOGUE_GRAPH for t in triples]
            records = [ox.Quad(t.subject, t.predicate, t.object, CATALOGUE_GRAPH)
                       for prepared in fresh.values() for t in prepared.graphs[CATALOGUE_GRAPH]]
            try:
                self.store.bulk_extend(graphs)
                self.store.extend(records)
            except Exception:
                for assessment_id in fresh:
                    if not self.is_listed(assessment_id):
                        self.store.remove_graph(assessment_graph(assessment_id))
                        self.store.remove_graph(result_graph(assessment_id))
                raise
            finally:
                self._generation += 1
        return [prepared.record for prepared in fresh.values()]

    def optimize(self):
        with self._write_lock:
            self.store.optimize()
            self._generation += 1

    # -- reading ----------------------------------------------------------------------

    def is_listed(self, assessment_id):
        node = assessment_graph(assessment_id)
        return any(True for _ in self.store.quads_for_pattern(node, DCTERMS_IDENTIFIER, None, CATALOGUE_GRAPH))

    def select(self, query):
        return list(self.store.query(query, prefixes=PREFIX_IRIS))

    def graph_triples(self, name):
        return [ox.Triple(q.subject, q.predicate, q.object) for q in self.store.quads_for_pattern(None, None, None, name)]

    def records(self, assessment_id=None, city_id=None):
        return records_from_rows(self.select(records_query(assessment_id)), city_id)

    def result_json(self, assessment_id):
        name = result_graph(assessment_id)
        for quad in self.store.quads_for_pattern(name, RDF_VALUE, None, name):
            return quad.object.value
        return None

    def serialize(self, assessment_id, fmt, with_result=False):
        names = [assessment_graph(assessment_id)] + ([result_graph(assessment_id)] if with_result else [])
        if with_result:
            quads = [q for name in names for q in self.store.quads_for_pattern(None, None, None, name)]
            return ox.serialize(quads, format=fmt, prefixes=PREFIX_IRIS)
        return self.store.dump(format=fmt, from_graph=names[0], prefixes=PREFIX_IRIS)

    def query(self, query, media_type, default_graphs=(), named_graphs=()):
        return self._runner.run(query, media_type, default_graphs, named_graphs)

    def dump(self):
        lines = self.store.dump(format=ox.RdfFormat.N_QUADS).splitlines(keepends=True)
        return b"".join(sorted(lines))

    # -- snapshots for SPARQL workers ---------------------------------------------------

    @contextmanager
    def snapshot(self):
        """The path of a read-only copy of the store as it is now, for another process.

        RocksDB allows no reader process beside a writer, so queries run on a checkpoint
        (hard links, cheap), made when the store has changed since the last one. A
        snapshot is removed once it is no longer the latest and no query reads it.
        """
        with self._write_lock:
            latest = self._snapshots[-1] if self._snapshots else None
            if latest is None or latest.generation != self._generation:
                self._snapshots_dir.mkdir(parents=True, exist_ok=True)
                latest = _Snapshot(self._snapshots_dir / str(self._generation), self._generation)
                self.store.backup(str(latest.path))
                self._snapshots.append(latest)
                self._remove_unread_snapshots()
            latest.readers += 1
        try:
            yield str(latest.path)
        finally:
            with self._write_lock:
                latest.readers -= 1
                self._remove_unread_snapshots()

    def _remove_unread_snapshots(self):
        for snap in self._snapshots[:-1]:
            if snap.readers == 0:
                shutil.rmtree(snap.path, ignore_errors=True)
        self._snapshots = [s for s in self._snapshots[:-1] if s.readers > 0] + self._snapshots[-1:]

    def close(self):
        """Stop the query workers, flush and release the store (RocksDB allows one
        writer: a reopen needs this)."""
        self._runner.close()
        self.store.flush()
        self.store = None
        shutil.rmtree(self._snapshots_dir, ignore_errors=True)
