"""What the analysis runner does besides the query: the rank step declared by a ``# rank:``
line (checked against its definition computed pair by pair, ties and rounding included),
and writing solutions through pyoxigraph with the row cap (nothing lost on the way)."""

import json
import random
from decimal import ROUND_HALF_UP, Decimal

import pyoxigraph as ox
import pytest
from sscmm.analysis import Rank, load_analyses, parse_analysis
from sscmm.queries import encode

XSD = "http://www.w3.org/2001/XMLSchema#"
JSON = "application/sparql-results+json"


def _bindings(groups):
    """SPARQL JSON bindings, best first within each group (as the query orders them)."""
    rows = []
    for point, values in groups.items():
        for value in values:
            row = {"value": {"type": "literal", "value": value, "datatype": XSD + "decimal"}}
            if point is not None:
                row["dataPoint"] = {"type": "uri", "value": point}
            rows.append(row)
    return rows


def _by_definition(values, sign=1):
    """rank = 1 + how many are better; percentile = the share of the others that are worse,
    ROUND(1000 * worse / (n - 1)) / 10 with SPARQL's halves-up rounding; 100 alone."""
    numbers = [Decimal(v) * sign for v in values]
    out = []
    for mine in numbers:
        better = sum(1 for other in numbers if other > mine)
        worse = sum(1 for other in numbers if other < mine)
        share = (Decimal(1000 * worse) / (len(numbers) - 1)) if len(numbers) > 1 else Decimal(1000)
        out.append((1 + better, float(share.quantize(Decimal(1), rounding=ROUND_HALF_UP) / 10)))
    return out


RANK = Rank("value", "dataPoint", "rank", "percentile")


def _ranked(bindings):
    RANK.apply(bindings)
    return [(int(b["rank"]["value"]), float(b["percentile"]["value"])) for b in bindings]


def test_ties_share_a_rank_and_count_as_neither_better_nor_worse():
    values = ["9", "7.50", "7.5", "7.5", "3", "3", "1"]  # 7.50 and 7.5 are the same number
    assert _ranked(_bindings({None: values})) == _by_definition(values) == [
        (1, 100.0), (2, 50.0), (2, 50.0), (2, 50.0), (5, 16.7), (5, 16.7), (7, 0.0)]


def test_each_data_point_is_ranked_on_its_own_and_a_lone_value_is_100():
    groups = {"urn:x:pm10": ["40", "20"], "urn:x:no2": ["18.2"], None: ["5", "4", "3"]}
    ranked = _ranked(_bindings(groups))
    assert ranked == [(1, 100.0), (2, 0.0), (1, 100.0), (1, 100.0), (2, 50.0), (3, 0.0)]


def test_halves_round_up_as_sparql_round_does():
    values = [str(v) for v in range(17, 0, -1)]  # 17 values: 1000 * 1 / 16 = 62.5 tenths
    ranked = _ranked(_bindings({None: values}))
    assert ranked[-2] == (16, 6.3)  # not 6.2 (Python's round would give the even 62)
    assert ranked == _by_definition(values)


@pytest.mark.parametrize("seed", range(5))
def test_random_values_with_ties_match_the_pairwise_definition(seed):
    rng = random.Random(seed)
    sign = rng.choice([1, -1])  # lower is better: the query orders ascending, ranks stay by order
    values = [str(Decimal(rng.randint(0, 40)) / 4) for _ in range(rng.randint(2, 60))]
    ordered = sorted(values, key=lambda v: Decimal(v) * sign, reverse=True)
    assert _ranked(_bindings({None: ordered})) == _by_definition(ordered, sign)


def test_the_rank_line_is_read_from_the_header():
    assert load_analyses()["kpi-across-cities"].rank == RANK
    assert load_analyses()["u4ssc-score"].rank is None
    with pytest.raises(ValueError, match="cannot read the rank line"):
        parse_analysis("# name: x\n# title: X\n# rank: value per dataPoint\nSELECT * {}")


def _store():
    store = ox.Store()
    for index, text in enumerate(["plain", "tab\there", "new\nline", 'quote " and \\ slash', "ünïcode"]):
        store.add(ox.Quad(ox.NamedNode(f"urn:x:{index}"), ox.NamedNode("urn:x:p"), ox.Literal(text), ox.DefaultGraph()))
    store.add(ox.Quad(ox.BlankNode("b"), ox.NamedNode("urn:x:p"), ox.Literal("hi", language="en"), ox.DefaultGraph()))
    store.add(ox.Quad(ox.NamedNode("urn:x:n"), ox.NamedNode("urn:x:p"),
                      ox.Literal("1.5", datatype=ox.NamedNode(XSD + "decimal")), ox.DefaultGraph()))
    return store


def test_solutions_are_written_without_loss():
    store = _store()
    query = "SELECT ?s ?o ?missing WHERE { ?s ?p ?o } ORDER BY ?o"
    body, truncated = encode(store.query(query), JSON, 100)
    expected = [{k: str(v) for k, v in zip(("s", "o"), (row["s"], row["o"]), strict=True)} for row in store.query(query)]
    document = json.loads(body)
    assert not truncated and document["head"]["vars"] == ["s", "o", "missing"]
    back = ox.parse_query_results(body, format=ox.QueryResultsFormat.JSON)
    assert [{"s": str(row["s"]), "o": str(row["o"])} for row in back] == expected
    assert all("missing" not in binding for binding in document["results"]["bindings"])


@pytest.mark.parametrize(("cap", "rows", "truncated"), [(7, 7, False), (6, 6, True), (1, 1, True), (0, 0, True)])
def test_the_row_cap_keeps_the_first_rows_and_says_so(cap, rows, truncated):
    store = _store()
    query = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?o"
    body, cut = encode(store.query(query), JSON, cap)
    kept = json.loads(body)["results"]["bindings"]
    assert (len(kept), cut) == (rows, truncated)
    everything = json.loads(encode(store.query(query), JSON, 100)[0])["results"]["bindings"]
    assert kept == everything[:rows]
    csv, _ = encode(store.query(query), "text/csv", cap)
    assert csv.count(b"\r\n") == rows + 1  # the header and the rows kept


def test_a_solution_without_variables_is_written():
    body, truncated = encode(ox.Store().query("SELECT * WHERE {}"), JSON, 10)
    assert json.loads(body) == {"head": {"vars": []}, "results": {"bindings": [{}]}} and not truncated
