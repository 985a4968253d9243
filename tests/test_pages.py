"""The pages people read, through Flask's test client: the report of a published
assessment (heatmap cells against the JSON result, KPI table, downloads, workbook), the
upload form (report of an unpublished assessment, errors in the page with the line), the
model browser for each model, the benchmark page against the analysis library, and no
external URL anywhere."""

import json
import re
from html.parser import HTMLParser
from io import BytesIO

import pytest
from openpyxl import load_workbook

from .service_support import example
from .test_examples import EXPECTED

HTML = {"Accept": "text/html"}
#: URLs a page may show as data (IRIs), never load: anything in href/src/action must be local.
LOADED = re.compile(r'(?:href|src|action)="(https?:)?//', re.IGNORECASE)


class Cells(HTMLParser):
    """The heatmap's cells and the criteria table's rows: {(aspect, level): state}."""

    def __init__(self, tag):
        super().__init__()
        self.tag, self.cells = tag, {}

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == self.tag and "data-state" in attrs:
            self.cells[(attrs["data-aspect"], attrs["data-level"])] = attrs["data-state"]


def _cells(page, tag):
    parser = Cells(tag)
    parser.feed(page)
    return parser.cells


def expected_cells(result):
    return {(c["aspect"], str(level["level"])): "met" if c["satisfied"] else "unmet"
            for level in result["levels"] for c in level["criteria"]}


def _latest(client, name):
    city = next(c for c in client.get("/cities").get_json()["cities"] if c["name"] == name)
    return city["latest"]["link"]


@pytest.mark.parametrize("name", ["Saltmere", "Exampleton", "Brackenford"])
def test_report_heatmap_matches_the_json_result(demo_client, name):
    link = _latest(demo_client, name)
    result = demo_client.get(link).get_json()
    page = demo_client.get(link, headers=HTML).get_data(as_text=True)
    expected = expected_cells(result)
    assert _cells(page, "g") == expected  # the SVG heatmap
    assert _cells(page, "tr") == expected  # the criteria table, its text alternative
    assert f'data-order="{result["overall_level"]["order"]}"' in page
    assert page.count("<title") >= 3 and page.count("<desc") >= 2  # heatmap, radar, trends
    for step in result["actions"]:
        assert step["action"] in page.replace("&#39;", "'")
    assert not LOADED.search(page)


def test_report_kpi_table_has_direction_band_and_trend(demo_client):
    link = _latest(demo_client, "Saltmere")
    result = demo_client.get(link).get_json()
    page = demo_client.get(link, headers=HTML).get_data(as_text=True)
    table = page[page.index('id="kpi-table"'):]
    table = table[:table.index("</table>")]
    for kpi in result["kpis"]:
        assert kpi["code"] in table
    assert "lower is better" in table and "higher is better" in table
    assert table.count('class="chart sparkline"') >= len(result["kpis"])
    unmet = [k for k in result["kpis"] if not all(k["met"].values())]
    assert unmet and table.count("✗") >= len(unmet)  # a symbol, not only a colour


def test_report_downloads(demo_client):
    link = _latest(demo_client, "Exampleton")
    page = demo_client.get(link, headers=HTML).get_data(as_text=True)
    for fmt in ("ttl", "jsonld", "json", "trig"):
        assert f'href="{link}?format={fmt}"' in page
        response = demo_client.get(f"{link}?format={fmt}")
        assert response.status_code == 200 and "attachment" in response.headers["Content-Disposition"]
    assert demo_client.get(f"{link}?format=json").get_json() == demo_client.get(link).get_json()
    assert demo_client.get(f"{link}?format=pdf").status_code == 400
    assert f'href="{link}/workbook"' in page
    book = demo_client.get(f"{link}/workbook")
    assert book.status_code == 200
    assert "KPIs" in load_workbook(BytesIO(book.data)).sheetnames


def test_upload_turtle_gives_the_report_for_each_model(demo_client):
    for model, expected in (("y4904", EXPECTED["exampleton.ttl"]["overall"]), ("wego-tmf", None)):
        response = demo_client.post("/report", data={"turtle": example("exampleton.ttl"), "model": model})
        assert response.status_code == 200, response.get_data(as_text=True)[:500]
        page = response.get_data(as_text=True)
        result = demo_client.post(f"/assess?model={model}", data=example("exampleton.ttl").encode(),
                                  headers={"Content-Type": "text/turtle"}).get_json()
        assert f'data-order="{result["overall_level"]["order"]}"' in page
        if expected is not None:
            assert result["overall_level"]["order"] == expected
        assert _cells(page, "g") == expected_cells(result)
        assert "not published" in page and 'download="assessment-2024.json"' in page
        assert not LOADED.search(page)
    assert result["model"]["name"] == "wego-tmf" and len(result["aspects"]) != 6  # another model's shape


def test_upload_file_part(demo_client):
    response = demo_client.post("/report", data={"file": (BytesIO(example("rivenport.ttl").encode()), "rivenport.ttl"),
                                                 "turtle": "", "model": "y4904"}, content_type="multipart/form-data")
    assert response.status_code == 200
    assert f'data-order="{EXPECTED["rivenport.ttl"]["overall"]}"' in response.get_data(as_text=True)


def test_upload_errors_are_shown_in_the_page(demo_client):
    broken = example("exampleton.ttl").replace(" ;\n", " ;\n  sscmm:oops .\n", 1).splitlines()  # no object
    bad_line = next(i for i, line in enumerate(broken, 1) if "sscmm:oops" in line)
    response = demo_client.post("/report", data={"turtle": "\n".join(broken), "model": "y4904"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400 and response.mimetype == "text/html"
    assert 'id="upload-error"' in page and f"Line {bad_line}" in page
    assert "exampleton" in page  # the pasted text is kept in the form
    invalid = demo_client.post("/report", data={"turtle": "<urn:a> <urn:b> <urn:c> .", "model": "y4904"})
    assert invalid.status_code == 422 and 'id="upload-error"' in invalid.get_data(as_text=True)
    nothing = demo_client.post("/report", data={"turtle": "  ", "model": "y4904"})
    assert nothing.status_code == 400 and "choose a file or paste Turtle" in nothing.get_data(as_text=True)
    unknown = demo_client.post("/report", data={"turtle": example("exampleton.ttl"), "model": "nope"})
    assert unknown.status_code == 400 and 'id="upload-error"' in unknown.get_data(as_text=True)


def test_index_lists_the_cities_with_their_levels(demo_client):
    page = demo_client.get("/", headers=HTML).get_data(as_text=True)
    assert 'action="/report"' in page and 'enctype="multipart/form-data"' in page
    for city in demo_client.get("/cities").get_json()["cities"]:
        level = city["latest"]["overall_level"]
        assert re.search(rf'>{re.escape(city["name"])}</a></td>\s*<td>{level["order"]} {level["name"]}</td>', page)
    assert not LOADED.search(page)


@pytest.mark.parametrize("model", ["y4904", "wego-tmf"])
def test_model_browser(demo_client, model):
    page = demo_client.get(f"/browse?model={model}").get_data(as_text=True)
    levels = demo_client.get(f"/model/levels?model={model}", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    aspects = demo_client.get(f"/model/aspects?model={model}", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    level_rows = page[page.index('id="level-table"'):].split("</table>")[0].count("<tr>") - 1
    aspect_rows = page[page.index('id="aspect-table"'):].split("</table>")[0].count("<tr>") - 1
    assert level_rows == levels.count("sscmm:levelOrder")
    assert aspect_rows == aspects.count("sscmm:aspectOrder")
    kpi_rows = page.count("<tr data-dimension=")
    catalogue = demo_client.get(f"/model/kpis?model={model}", headers={"Accept": "text/turtle"}).get_data(as_text=True)
    assert kpi_rows == catalogue.count("a sscmm:KPI")
    assert not LOADED.search(page)
    assert demo_client.get("/browse?model=nope").status_code == 404


def test_benchmark_page_matches_the_analysis(demo_client):
    page = demo_client.get("/benchmark").get_data(as_text=True)
    code = re.search(r'<option value="([^"]+)" selected>', page).group(1)
    rows = demo_client.get("/analysis/kpi-across-cities", query_string={"kpi": code}).get_json()["rows"]
    assert rows, code
    bars = re.findall(r'<g class="bar" data-label="([^"]+)" data-value="([^"]+)"', page)
    assert sorted((label, float(value)) for label, value in bars if label in {r["cityName"] for r in rows}) == \
        sorted((r["cityName"], r["value"]) for r in rows)
    assert 'class="target"' in page and "benchmark" in page
    distribution = demo_client.get("/analysis/level-distribution").get_json()["rows"]
    strategy = {r["levelOrder"]: r["cities"] for r in distribution if r["aspectName"] == "Strategy"}
    row = re.search(r"<tr><th scope=\"row\">Strategy</th>(.*?)</tr>", page).group(1)
    assert [int(n) for n in re.findall(r">(\d+)</td>", row)] == [strategy[k] for k in sorted(strategy)]
    assert demo_client.get("/benchmark?kpi=XX").status_code == 400
    assert not LOADED.search(page)


def test_static_assets_are_served(demo_client):
    css = demo_client.get("/static/sscmm.css")
    assert css.status_code == 200 and "@media print" in css.get_data(as_text=True)
    assert demo_client.get("/static/sscmm.js").status_code == 200
    assert json.loads(demo_client.get("/openapi.json").data)["paths"]["/browse"]
