"""Cell values <-> RDF terms, with errors that name the sheet and cell.

Things of the city's own are written as IDs relative to the workbook's base IRI
("strategy" for https://data.example/ssc/strategy); model and vocabulary terms as
prefixed names ("sscmm:Operational", "u4ssc:EC"); anything else as its full IRI.
"""

import datetime
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation, localcontext

from openpyxl.utils import get_column_letter
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from ..namespaces import PREFIXES
from ..terms import is_iri

#: The prefixes a cell may use: the project's, plus the statistical ones a city's graph uses.
CELL_PREFIXES = {**{p: str(ns._NS) if isinstance(ns, type) else str(ns) for p, ns in PREFIXES.items()},
                 "sdmxd": "http://purl.org/linked-data/sdmx/2009/dimension#",
                 "sdmxa": "http://purl.org/linked-data/sdmx/2009/attribute#"}
_PREFIXED = re.compile(r"^([A-Za-z][\w-]*):(\S*)$")
_SEPARATOR = re.compile(r"\s*[;\n]\s*")
YES = {"yes", "true", "y", "1", "ja", "oui"}
NO = {"no", "false", "n", "0", "nei", "non"}


@dataclass(frozen=True)
class CellError:
    sheet: str
    cell: str  # "D14", or "" for the whole sheet
    message: str

    def __str__(self):
        return f"{self.sheet}!{self.cell}: {self.message}" if self.cell else f"{self.sheet}: {self.message}"


class WorkbookError(ValueError):
    """A workbook (or folder of CSV files) that cannot be turned into a graph."""

    def __init__(self, errors):
        self.errors = list(errors)
        super().__init__("\n".join(map(str, self.errors)))


class CellProblem(ValueError):
    """Raised by a conversion; the reader adds the sheet and cell."""


def cell_name(row, column):
    """'D14' for 0-based row 13, column 3."""
    return f"{get_column_letter(column + 1)}{row + 1}"


def text(value):
    """A cell as stripped text ('' for empty)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


class References:
    """IRIs to and from cell text, relative to the workbook's base IRI."""

    def __init__(self, base):
        self.base = base

    def write(self, term):
        iri = str(term)
        if self.base and iri.startswith(self.base):
            rest = iri[len(self.base):]
            if rest and not _PREFIXED.match(rest) and not re.search(r"[\s;]", rest):
                return rest
        for prefix, ns in CELL_PREFIXES.items():
            if iri.startswith(ns) and re.fullmatch(r"[\w.-]*", iri[len(ns):]) and iri[len(ns):]:
                return f"{prefix}:{iri[len(ns):]}"
        return iri

    def read(self, value):
        raw = text(value)
        if not raw:
            raise CellProblem("an ID or IRI is needed")
        if re.search(r"\s", raw):
            raise CellProblem(f"{raw!r} is not an ID or IRI (it contains spaces)")
        if "://" in raw or raw.startswith("urn:"):
            return _iri(raw, raw)
        match = _PREFIXED.match(raw)
        if match:
            prefix, local = match.groups()
            if prefix not in CELL_PREFIXES:
                raise CellProblem(f"{raw!r}: unknown prefix {prefix!r} (known: {', '.join(sorted(CELL_PREFIXES))})")
            return _iri(CELL_PREFIXES[prefix] + local, raw)
        if not self.base:
            raise CellProblem(f"{raw!r} is relative but the City sheet gives no base IRI")
        return _iri(self.base + raw, raw)

    def read_many(self, value):
        return [self.read(part) for part in _SEPARATOR.split(text(value)) if part]


def _iri(iri, raw):
    """The IRI a cell names, if it makes one."""
    if not is_iri(iri):
        raise CellProblem(f"{raw!r} does not make a valid IRI")
    return URIRef(iri)


#: Digits before the decimal point of a KPI value: more is no measurement (and int() of
#: "1e999999999" would take minutes and gigabytes).
MAX_DIGITS = 28


def number(value, datatype, number_format=None):
    """A number cell (or number typed as text, with spaces or a decimal comma) as a
    literal of the KPI's value type. A cell formatted with fixed decimals ("0.00") keeps
    them, so 97.00 stays 97.00."""
    if isinstance(value, bool):
        raise CellProblem(f"{value!r} is not a number")
    raw = text(value).replace("\u00a0", "").replace(" ", "")
    if re.fullmatch(r"-?\d+,\d+", raw):
        raw = raw.replace(",", ".")
    try:
        parsed = Decimal(raw)
    except InvalidOperation:
        raise CellProblem(f"{text(value)!r} is not a number") from None
    if not parsed.is_finite():
        raise CellProblem(f"{text(value)!r} is not a number")
    if parsed.adjusted() >= MAX_DIGITS:
        raise CellProblem(f"{text(value)!r} is too large for a KPI value (at most {MAX_DIGITS} digits before the point)")
    if datatype == XSD.integer:
        if parsed != parsed.to_integral_value():
            raise CellProblem(f"{text(value)!r} is not a whole number, as this KPI requires")
        return Literal(int(parsed), datatype=XSD.integer)
    if isinstance(value, float):  # what Excel stores: its shortest decimal form
        parsed = Decimal(repr(value))
    places = _fixed_places(number_format) if isinstance(value, (int, float)) else None
    if places is not None:
        parsed = _quantized(parsed, places)
    if parsed.as_tuple().exponent >= 0:  # a whole decimal is written 90.0, as Turtle writes it back
        parsed = _quantized(parsed, 1)
    return Literal(parsed, datatype=XSD.decimal)


def _quantized(value, places):
    """The value with that many decimal places, however many digits that takes (the default
    decimal context holds 28)."""
    with localcontext() as context:
        context.prec = max(context.prec, value.adjusted() + places + 2)
        return value.quantize(Decimal(1).scaleb(-places))


def _fixed_places(number_format):
    match = re.fullmatch(r"0(?:\.(0+))?", number_format or "")
    return len(match.group(1) or "") if match else None


def boolean(value):
    raw = text(value).lower()
    if isinstance(value, bool):
        return Literal(value)
    if raw in YES:
        return Literal(True)
    if raw in NO:
        return Literal(False)
    raise CellProblem(f"{text(value)!r} is not yes or no")


def kpi_value(value, value_type, number_format=None):
    """A KPI value or target as the KPI's value type says (yes/no, whole number, decimal)."""
    if value_type == XSD.boolean:
        return boolean(value)
    return number(value, value_type, number_format)


def cell_of(literal):
    """(value, number format) to write in a cell for a KPI value or target literal: a
    decimal keeps its written decimals through the cell's format."""
    value = literal.toPython()
    if isinstance(value, bool):
        return ("yes" if value else "no"), None
    if isinstance(value, Decimal):
        places = max(0, -value.as_tuple().exponent)
        if Decimal(repr(float(value))).quantize(Decimal(1).scaleb(-places)) != value:
            return str(value), None  # more digits than a spreadsheet number holds: keep the text
        return float(value), "0." + "0" * places if places else "0"
    return value, None


def date(value):
    if isinstance(value, datetime.datetime):
        value = value.date()
    if isinstance(value, datetime.date):
        return Literal(value, datatype=XSD.date)
    raw = text(value)
    try:
        return Literal(datetime.date.fromisoformat(raw), datatype=XSD.date)
    except ValueError:
        raise CellProblem(f"{raw!r} is not a date (YYYY-MM-DD)") from None


def year(value):
    raw = text(value)
    if not re.fullmatch(r"\d{4}", raw):
        raise CellProblem(f"{raw!r} is not a year (four digits, e.g. 2023)")
    return int(raw)


def choice(value, options, what):
    """A drop-down cell: the option with this label (case and spacing forgiven)."""
    raw = " ".join(text(value).split()).lower()
    for label, term in options.items():
        if label.lower() == raw:
            return term
    raise CellProblem(f"{text(value)!r} is not a known {what} (one of: {', '.join(options)})")
