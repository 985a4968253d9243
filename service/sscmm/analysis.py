"""The cross-city analysis library: named SPARQL queries kept as ``analysis/*.rq``.

Each file starts with a comment block that declares what the service lists (GET /analysis,
``sscmm analysis``)::

    # name: kpi-across-cities
    # title: One KPI across cities for a year
    # description: ...
    # param: kpi (kpi, required): the KPI, by its code in any spelling
    # param: year (integer, optional: the latest year any city reports the KPI): the year
    # param: limit (integer, default 10): how many peers
    # rank: ?value per ?dataPoint -> ?rank ?percentile

A parameter is written ``$name`` in the query. A given value is validated by its type and
put in as an RDF term written by pyoxigraph (never the raw text): ``integer`` (0 to
2^63-1), ``decimal`` (up to 28 digits either side of the point), ``string``, ``iri`` (an
absolute IRI), ``kpi`` (a KPI code in any spelling, put in as its normalised
``skos:notation``). An ``optional`` parameter without a value
becomes a variable that is never bound (``?_unset_year``), so the query computes its
natural default (``COALESCE($year, ?latestYear)``); a ``default`` is put in as if given. Queries name every graph with ``GRAPH``, so they run the
same on every store (tests/test_stores.py runs them on each).

A ``rank`` line declares the one step done after the query, by ``run``: a rank among
rows is a join of every row with every other in SPARQL (a million pairs for a thousand
cities), and a sort here. The query orders the rows best first within each group (rows
with the same value of the ``per`` column); ``run`` fills in the two named columns: the
rank (1 + the rows of the group before it with another value, so ties share a rank) and
the percentile (the share of the group's other rows that are worse, rounded to 0.1 as
SPARQL's ROUND does; 100 when the row is alone).
"""

import csv
import io
import json
import math
import re
from collections import Counter
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from urllib.parse import urlsplit

import pyoxigraph as ox

from .codes import CodeError, normalise_code
from .paths import ROOT

ANALYSIS_DIR = ROOT / "analysis"
JSON_RESULTS = "application/sparql-results+json"
_HEADER = re.compile(r"^#\s*(name|title|description|param|rank):\s*(.*)$")
_PARAM = re.compile(r"^(\w+) \((\w+), (required|optional: [^)]*|default [^)]*)\): (.+)$")
_RANK = re.compile(r"^\?(\w+) per \?(\w+) -> \?(\w+) \?(\w+)$")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_INTEGERS = {_XSD + t for t in ("integer", "int", "long", "short", "nonNegativeInteger", "positiveInteger")}
_FLOATS = {_XSD + t for t in ("decimal", "double", "float")}


class AnalysisError(ValueError):
    """A request for an analysis that cannot be run as asked (names the parameter)."""

    def __init__(self, message, parameter=None):
        super().__init__(message)
        self.parameter = parameter


#: Parameters are years, counts and KPI values: bounds that keep every query valid (LIMIT
#: takes no negative number, nor one past 2^63) and its text small ("1e999999999" written
#: out would be a gigabyte).
MAX_INTEGER, MAX_DIGITS = 2**63 - 1, 28


def _integer(text):
    if not re.fullmatch(r"\+?[0-9]{1,19}", text.strip()) or int(text) > MAX_INTEGER:
        raise ValueError(f"not a whole number from 0 to {MAX_INTEGER}")
    return ox.Literal(str(int(text)), datatype=ox.NamedNode(_XSD + "integer"))


def _decimal(text):
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError("not a number") from None
    if not value.is_finite():
        raise ValueError("not a finite number")
    if value and not -MAX_DIGITS <= value.adjusted() < MAX_DIGITS:
        raise ValueError(f"out of range (at most {MAX_DIGITS} digits before or after the decimal point)")
    return ox.Literal(format(value, "f"), datatype=ox.NamedNode(_XSD + "decimal"))


def _iri(text):
    parts = urlsplit(text)
    if not parts.scheme or not (parts.netloc or parts.path):
        raise ValueError("not an absolute IRI")
    return ox.NamedNode(text)  # refuses spaces, <, >, quotes ...


def _kpi(text):
    try:
        return ox.Literal(normalise_code(text.replace("-", ":")))  # EC-ICT-ICT-1C is the IRI's spelling
    except CodeError as err:
        raise ValueError(str(err)) from None


TYPES = {"integer": _integer, "decimal": _decimal, "string": ox.Literal, "iri": _iri, "kpi": _kpi}


@dataclass(frozen=True)
class Parameter:
    name: str
    type: str
    required: bool
    default: str | None  # a value put in when none is given
    default_text: str | None  # what the query uses when an optional parameter is not given
    description: str

    def term(self, text):
        try:
            return TYPES[self.type](text)
        except ValueError as err:
            raise AnalysisError(f"parameter {self.name!r} ({self.type}): {text!r} is not valid: {err}",
                                parameter=self.name) from None

    def as_dict(self):
        return {"name": self.name, "type": self.type, "required": self.required,
                "default": self.default if self.default is not None else self.default_text,
                "description": self.description}


@dataclass(frozen=True)
class Rank:
    """The rank step of an analysis: ``# rank: ?value per ?group -> ?rank ?percentile``."""

    value: str
    group: str
    rank: str
    percentile: str

    def apply(self, bindings):
        """Fill in the rank and percentile of SPARQL JSON bindings ordered best first
        within each group (in place)."""
        groups = {}
        for binding in bindings:
            groups.setdefault(_key(binding.get(self.group)), []).append(binding)
        for rows in groups.values():
            values = [_number(row.get(self.value)) for row in rows]
            first = {}  # value -> position of its first row (the rows are ordered)
            for position, value in enumerate(values):
                first.setdefault(value, position)
            ties = Counter(values)
            for row, value in zip(rows, values, strict=True):
                better = first[value]
                worse = len(rows) - better - ties[value]
                share = Fraction(1000 * worse, len(rows) - 1) if len(rows) > 1 else Fraction(1000)
                tenths = math.floor(share + Fraction(1, 2))  # SPARQL's ROUND: halves up
                row[self.rank] = {"type": "literal", "value": str(1 + better), "datatype": _XSD + "integer"}
                row[self.percentile] = {"type": "literal", "value": f"{tenths // 10}.{tenths % 10}",
                                        "datatype": _XSD + "decimal"}


def _key(term):
    return None if term is None else (term["type"], term["value"], term.get("datatype"), term.get("xml:lang"))


def _number(term):
    """A numeric SPARQL JSON literal as an exact number (equal values, equal numbers)."""
    return Decimal(term["value"]) if term is not None else None


@dataclass(frozen=True)
class Analysis:
    name: str
    title: str
    description: str
    parameters: tuple
    text: str
    rank: Rank | None = None

    def as_dict(self):
        return {"name": self.name, "title": self.title, "description": self.description,
                "parameters": [p.as_dict() for p in self.parameters], "link": f"/analysis/{self.name}"}

    def query(self, values):
        """The query with the parameter values (text, by name) put in as RDF terms."""
        known = {p.name: p for p in self.parameters}
        unknown = sorted(set(values) - set(known))
        if unknown:
            raise AnalysisError(f"{self.name} has no parameter {unknown[0]!r}; it takes "
                                f"{', '.join(known) or 'none'}", parameter=unknown[0])
        text = self.text
        for param in self.parameters:
            given = values.get(param.name)
            if given is None or given == "":
                if param.required:
                    raise AnalysisError(f"parameter {param.name!r} is required: {param.description}",
                                        parameter=param.name)
                given = param.default
            written = _written(param.term(given)) if given is not None else f"?_unset_{param.name}"
            text = re.sub(rf"\${param.name}\b", lambda _m, written=written: written, text)
        return text


def _written(term):
    """A term as SPARQL text; an integer as a bare number (LIMIT takes no typed literal)."""
    if isinstance(term, ox.Literal) and term.datatype.value == _XSD + "integer":
        return term.value
    return str(term)


def parse_analysis(text, source="query"):
    """An Analysis from the text of an .rq file; ValueError names what is wrong."""
    fields, params = {}, []
    for line in text.splitlines():
        match = _HEADER.match(line)
        if not match:
            if line.strip() and not line.startswith("#"):
                break
            continue
        key, value = match.groups()
        if key == "rank":
            step = _RANK.match(value.strip())
            if step is None:
                raise ValueError(f"{source}: cannot read the rank line {line!r} (# rank: ?value per ?group -> ?rank ?percentile)")
            fields[key] = Rank(*step.groups())
            continue
        if key != "param":
            fields[key] = value.strip()
            continue
        spec = _PARAM.match(value.strip())
        if spec is None or spec.group(2) not in TYPES:
            raise ValueError(f"{source}: cannot read the parameter line {line!r}")
        name, kind, mode, description = spec.groups()
        params.append(Parameter(name, kind, mode == "required", mode[8:] if mode.startswith("default ") else None,
                                mode[10:] if mode.startswith("optional: ") else None, description))
    for key in ("name", "title"):
        if key not in fields:
            raise ValueError(f"{source}: no '# {key}:' line")
    return Analysis(fields["name"], fields["title"], fields.get("description", ""), tuple(params), text,
                    fields.get("rank"))


def load_analyses(directory=ANALYSIS_DIR):
    """Every analysis of the directory, by name."""
    analyses = {}
    for path in sorted(directory.glob("*.rq")):
        analysis = parse_analysis(path.read_text(encoding="utf-8"), source=str(path))
        if analysis.name != path.stem:
            raise ValueError(f"{path}: the file name and the '# name:' line differ")
        analyses[analysis.name] = analysis
    return analyses


def _python(term):
    """A SPARQL JSON term as a plain JSON value (numbers and booleans as such)."""
    value, datatype = term["value"], term.get("datatype")
    if datatype in _INTEGERS:
        return int(value)
    if datatype in _FLOATS:
        return float(value)
    if datatype == _XSD + "boolean":
        return value in ("true", "1")
    return value


@dataclass(frozen=True)
class Table:
    """An analysis result: its columns and rows of plain values."""

    name: str
    parameters: dict
    columns: list
    rows: list
    truncated: bool

    def as_dict(self):
        return {"analysis": self.name, "parameters": self.parameters, "columns": self.columns, "rows": self.rows,
                "truncated": self.truncated}

    def to_csv(self):
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\r\n")
        writer.writerow(self.columns)
        for row in self.rows:
            writer.writerow(["" if row.get(c) is None else row[c] for c in self.columns])
        return out.getvalue()


def run(store, analysis, values):
    """Run an analysis on a store (``Store.query``: its time limit and row cap apply), then
    its rank step if it declares one."""
    answer = store.query(analysis.query(values), JSON_RESULTS)
    document = json.loads(answer.body)
    columns, bindings = document["head"]["vars"], document["results"]["bindings"]
    if analysis.rank is not None:
        analysis.rank.apply(bindings)
    rows = [{c: _python(b[c]) if c in b else None for c in columns} for b in bindings]
    given = {k: v for k, v in values.items() if v not in (None, "")}
    return Table(analysis.name, given, columns, rows, answer.truncated)
