"""``sscmm load``: publish many assessment files into a store, idempotently.

Each file is parsed, assessed and published (no token: the operator loads for every city).
An assessment already in the store is skipped before it is assessed (its id comes from its
IRI), so a re-run changes nothing and costs little. A file that does not parse, is not a
valid assessment, or cannot be stored is reported with the reason and skipped; the others
are loaded. Publications are written ``BATCH`` at a time (``Store.write_many``: the
embedded store's bulk loader), so a store that fails fails the files of one batch; after
a load the store is optimised for queries (``Store.optimize``: the embedded store's files
compacted).
"""

import sys
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF

from .namespaces import SSCMM
from .rdfio import InputError, format_for, parse_file
from .store import NotAssessable, StoreUnavailable, oxigraph_triples, publication, short_id

BATCH = 25  # publications written at once


@dataclass
class Summary:
    loaded: list = field(default_factory=list)
    present: list = field(default_factory=list)
    failed: list = field(default_factory=list)  # (path, reason)


def assessment_files(paths):
    """The RDF files among the paths, folders expanded (sorted), by the extensions rdfio reads."""
    found = []
    for path in map(Path, paths):
        candidates = sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path]
        for candidate in candidates:
            try:
                format_for(candidate.name)
            except InputError:
                if not path.is_dir():
                    found.append(candidate)  # named explicitly: reported as failed, not ignored
                continue
            found.append(candidate)
    return found


def _current_assessment(graph):
    """The assessment under evaluation (the one no other names as its baseline), if one."""
    current = [a for a in graph.subjects(RDF.type, SSCMM.Assessment) if (None, SSCMM.baseline, a) not in graph]
    return current[0] if len(current) == 1 else None


def _progress(done, total, summary, out=sys.stderr, width=30):
    filled = width * done // total if total else width
    out.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total}  loaded {len(summary.loaded)}  "
              f"present {len(summary.present)}  failed {len(summary.failed)}")
    out.flush()


def load(services, paths, progress=True, batch=None):
    """Publish each file through the service's engine into its store, ``batch`` (default
    BATCH) publications at a time; a Summary."""
    batch = batch or BATCH
    summary = Summary()
    store, engine = services.store, services.engine
    pending = []  # (path, Publication) not written yet

    def write_pending():
        try:
            written = {record.id for record in store.write_many([prepared for _, prepared in pending])}
        except StoreUnavailable as err:
            summary.failed.extend((path, str(err)) for path, _ in pending)
        else:
            for path, prepared in pending:
                (summary.loaded if prepared.record.id in written else summary.present).append(path)
                written.discard(prepared.record.id)  # the same assessment again in the batch: present
        pending.clear()

    for done, path in enumerate(paths, start=1):
        try:
            graph = parse_file(path)
            current = _current_assessment(graph)
            if current is not None and store.is_listed(short_id(current)):
                summary.present.append(path)
            else:
                pending.append((path, publication(oxigraph_triples(graph), engine.assess(graph))))
        except NotAssessable as err:
            summary.failed.append((path, "; ".join(str(e) for e in err.errors[:3])
                                   + (f" (and {len(err.errors) - 3} more)" if len(err.errors) > 3 else "")))
        except InputError as err:
            summary.failed.append((path, str(err)))
        except OSError as err:
            summary.failed.append((path, f"cannot read: {err.strerror or err}"))
        except StoreUnavailable as err:
            summary.failed.append((path, str(err)))
        if len(pending) >= batch or done == len(paths):
            write_pending()
        if progress:
            _progress(done, len(paths), summary)
    if progress:
        sys.stderr.write("\n")
    if summary.loaded:
        store.optimize()
    return summary
