"""U4SSC KPI codes: the published grammar ``DIM: SUB: CAT: nX`` with varying spacing.

Published documents space codes differently ("EC: ICT: ICT: 1C", "EC:ICT:ICT:1C",
"ec : ict : ict : 1c"), so every match goes through :func:`normalise_code`.
"""

import re

CODE_PATTERN = re.compile(
    r"^\s*([A-Za-z]+)\s*:\s*([A-Za-z]+)\s*:\s*([A-Za-z]+)\s*:\s*([0-9]+)\s*([CAca])\s*$"
)
#: The normalised notation (skos:notation) of a KPI, as a regular expression.
NOTATION_REGEX = r"^[A-Z]+:[A-Z]+:[A-Z]+:[0-9]+[CA]$"


class CodeError(ValueError):
    """A string that is not a KPI code."""


def parse_code(code):
    """Split a code into (dimension, sub-dimension, category, number, type letter)."""
    match = CODE_PATTERN.match(code or "")
    if not match:
        raise CodeError(f"{code!r} is not a KPI code of the form 'DIM: SUB: CAT: nX' (X = C or A)")
    dim, sub, cat, number, kind = match.groups()
    return dim.upper(), sub.upper(), cat.upper(), int(number), kind.upper()


def normalise_code(code):
    """The notation of a code: upper case, no spaces ("EC:ICT:ICT:1C")."""
    dim, sub, cat, number, kind = parse_code(code)
    return f"{dim}:{sub}:{cat}:{number}{kind}"


def code_local_name(code):
    """The local name of a KPI's IRI ("EC-ICT-ICT-1C")."""
    return normalise_code(code).replace(":", "-")
