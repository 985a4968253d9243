"""``sscmm load``: publish many assessment files into a store, idempotently.

Each file is parsed, assessed and published (no token: the operator loads for every city).
An assessment already in the store is skipped before it is assessed (its id comes from its
IRI), so a re-run changes nothing and costs little. A file that does not parse, is not a
valid assessment, or cannot be stored is reported with the reason and skipped; the others
are loaded.
"""

import sys
from dataclasses import dataclass, field
from pathlib import Path

from rdflib import RDF

from .namespaces import SSCMM
from .rdfio import InputError, format_for, parse_file
from .store import AlreadyPublished, NotAssessable, StoreUnavailable, oxigraph_triples, short_id


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


def load(services, paths, progress=True):
    """Publish each file through the service's engine into its store; a Summary."""
    summary = Summary()
    store, engine = services.store, services.engine
    for done, path in enumerate(paths, start=1):
        try:
            graph = parse_file(path)
            current = _current_assessment(graph)
            if current is not None and store.record(short_id(current)) is not None:
                summary.present.append(path)
            else:
                store.publish(oxigraph_triples(graph), engine.assess(graph))
                summary.loaded.append(path)
        except AlreadyPublished:
            summary.present.append(path)
        except NotAssessable as err:
            summary.failed.append((path, "; ".join(str(e) for e in err.errors[:3])
                                   + (f" (and {len(err.errors) - 3} more)" if len(err.errors) > 3 else "")))
        except InputError as err:
            summary.failed.append((path, str(err)))
        except OSError as err:
            summary.failed.append((path, f"cannot read: {err.strerror or err}"))
        except StoreUnavailable as err:
            summary.failed.append((path, str(err)))
        if progress:
            _progress(done, len(paths), summary)
    if progress:
        sys.stderr.write("\n")
    return summary
