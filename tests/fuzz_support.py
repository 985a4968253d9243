"""Shared by the property-based tests (hypothesis): how many examples, a watchdog that
turns a hang into a failure, and a strategy that edits valid documents.

The number of examples is bounded for CI; ``SSCMM_FUZZ=campaign`` runs twenty times as
many (a longer campaign on a developer's machine). No per-example deadline (timings on a
shared machine vary): a hang is caught by ``within`` instead. A failure prints the
example and the blob that reproduces it; hypothesis keeps failing examples in
``.hypothesis/`` and tries them first on the next run.
"""

import faulthandler
import os
import signal
from contextlib import contextmanager

from hypothesis import HealthCheck, settings
from hypothesis import strategies as st

settings.register_profile("sscmm", deadline=None, print_blob=True,
                          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
settings.load_profile("sscmm")
SCALE = {"ci": 1, "campaign": 20}[os.environ.get("SSCMM_FUZZ", "ci")]


def examples(count):
    """``count`` examples in CI, more in a campaign."""
    return count * SCALE


class Hang(AssertionError):
    """The code under test did not return within its time."""


@contextmanager
def within(seconds):
    """Fail with Hang when the block runs longer than ``seconds`` (SIGALRM, main thread);
    if the block cannot even be interrupted (stuck in C), end the test run with the stacks
    of every thread after three times as long."""
    def expire(_signum, _frame):
        raise Hang(f"did not return within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    faulthandler.dump_traceback_later(3 * seconds, exit=True)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        faulthandler.cancel_dump_traceback_later()
        signal.signal(signal.SIGALRM, previous)


#: Characters that mean something to one of the RDF syntaxes, JSON, XML, CSV or SPARQL.
SYNTAX = list("<>\"'{}[]()@;.,:#^_\\/&=?!*$%-+~|`\n\r\t \x00") + ["\"\"\"", "'''", "^^", "@prefix", "@base",
                                                                     "<!ENTITY", "&x;", "]]>", "@context", "@id",
                                                                     "@graph", "\ufeff", "\u2028", "\udcff"]


@st.composite
def mutated(draw, document):
    """``document`` (bytes) with one to four edits: cut off, a span deleted, duplicated or
    replaced by syntax characters or random bytes."""
    data = bytearray(document)
    for _ in range(draw(st.integers(1, 4))):
        start = draw(st.integers(0, len(data)))
        end = draw(st.integers(start, min(len(data), start + 64)))
        edit = draw(st.sampled_from(["cut", "delete", "duplicate", "syntax", "bytes"]))
        if edit == "cut":
            del data[start:]
        elif edit == "delete":
            del data[start:end]
        elif edit == "duplicate":
            data[start:start] = data[start:end]
        elif edit == "syntax":
            text = "".join(draw(st.lists(st.sampled_from(SYNTAX), min_size=1, max_size=4)))
            data[start:end] = text.encode("utf-8", "surrogatepass")
        else:
            data[start:end] = draw(st.binary(max_size=16))
    return bytes(data)
