"""The pages in a real browser: headless Chromium (Debian's ``chromium``, driven by
Playwright with the system executable) against a running ``sscmm serve --demo``. Every
page loads without console errors and requests nothing from another host; uploading an
example through the form shows its level; the heatmap cells match the JSON result; the
KPI search filters rows; the report prints to PDF without the site's navigation.
Screenshots (and the PDF) are written to a temporary folder, printed at the start."""

import os
import shutil
from urllib.parse import urlsplit

import pytest
import requests
from playwright.sync_api import sync_playwright

from .service_support import EXAMPLES, running
from .test_examples import EXPECTED
from .test_pages import expected_cells

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
if CHROMIUM is None and not os.environ.get("CI"):
    pytest.skip("no chromium on this machine (.ci/run installs Debian's chromium)", allow_module_level=True)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    with running(tmp_path_factory.mktemp("pages") / "data", "--demo") as server:
        yield server


@pytest.fixture(scope="module")
def browser():
    assert CHROMIUM, "chromium is not installed"
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, headless=True)
        yield browser
        browser.close()


@pytest.fixture(scope="module")
def shots(tmp_path_factory):
    folder = tmp_path_factory.mktemp("screenshots")
    print(f"\nscreenshots in {folder}")
    return folder


class Watched:
    """A page whose console errors, uncaught exceptions, failed requests and requests to
    any other host than the server are recorded (the latter are also refused)."""

    def __init__(self, browser, server):
        self.host = urlsplit(server.url).netloc
        self.context = browser.new_context(viewport={"width": 1200, "height": 900}, accept_downloads=True)
        self.problems = []
        self.context.route("**/*", self._route)
        self.page = self.context.new_page()
        self.page.on("console", lambda m: m.type == "error" and self.problems.append(f"console: {m.text}"))
        self.page.on("pageerror", lambda e: self.problems.append(f"page error: {e}"))
        self.page.on("requestfailed", lambda r: self.problems.append(f"failed: {r.url} {r.failure}"))
        self.page.on("response", lambda r: r.status >= 400 and self.problems.append(f"{r.status}: {r.url}"))

    def _route(self, route):
        url = urlsplit(route.request.url)
        if url.scheme in ("data", "blob") or url.netloc == self.host:
            route.continue_()
        else:
            self.problems.append(f"off-host request: {route.request.url}")
            route.abort()


@pytest.fixture
def watched(browser, server):
    watched = Watched(browser, server)
    yield watched
    watched.context.close()
    assert watched.problems == []


def _cities(server):
    return {c["name"]: c for c in requests.get(server.url + "/cities", timeout=10).json()["cities"]}


def test_index_lists_cities(watched, server, shots):
    page = watched.page
    page.goto(server.url + "/")
    rows = page.locator("#city-table tbody tr")
    assert rows.count() == len(EXPECTED)
    exampleton = _cities(server)["Exampleton"]["latest"]["overall_level"]
    assert f"{exampleton['order']} {exampleton['name']}" in rows.filter(has_text="Exampleton").inner_text()
    page.screenshot(path=shots / "index.png", full_page=True)


@pytest.mark.parametrize("model", ["y4904", "wego-tmf"])
def test_upload_shows_the_level(watched, server, shots, model):
    page = watched.page
    page.goto(server.url + "/")
    page.set_input_files("#file", str(EXAMPLES / "exampleton.ttl"))
    page.select_option("#model", model)
    page.click("button[type=submit]")
    page.wait_for_selector("#overall-level")
    expected = requests.post(f"{server.url}/assess?model={model}", data=(EXAMPLES / "exampleton.ttl").read_bytes(),
                             headers={"Content-Type": "text/turtle"}, timeout=60).json()
    if model == "y4904":
        assert expected["overall_level"]["order"] == EXPECTED["exampleton.ttl"]["overall"]
    badge = page.locator("#overall-level")
    assert badge.get_attribute("data-order") == str(expected["overall_level"]["order"])
    assert badge.inner_text().startswith(str(expected["overall_level"]["order"]))
    assert page.locator("#heatmap g.cell").count() == len(expected["aspects"]) * sum(
        1 for level in expected["levels"] if level["criteria"])
    with page.expect_download() as download:
        page.click("text=JSON result")
    assert download.value.suggested_filename.endswith(".json")
    page.screenshot(path=shots / f"upload-{model}.png", full_page=True)


def test_upload_error_names_the_line(watched, server):
    page = watched.page
    page.goto(server.url + "/")
    page.fill("#turtle", "@prefix : <https://example.org/> .\n:a :b :c ;\n  :d .\n")
    page.click("button[type=submit]")
    assert "Line 3" in page.locator("#upload-error").inner_text()
    watched.problems = [p for p in watched.problems if not p.startswith(("400:", "console: Failed to load"))]


@pytest.mark.parametrize("name", ["Saltmere", "Østervik"])
def test_heatmap_cells_match_the_json_result(watched, server, shots, name):
    link = _cities(server)[name]["latest"]["link"]
    result = requests.get(server.url + link, timeout=10).json()
    page = watched.page
    page.goto(server.url + link)
    cells = page.eval_on_selector_all(
        "#heatmap g.cell", "cells => cells.map(c => [c.dataset.aspect, c.dataset.level, c.dataset.state])")
    shown = {(aspect, level): state for aspect, level, state in cells if state != "none"}
    assert shown == expected_cells(result)
    hover = page.locator("#heatmap g.cell[data-state=unmet] title").first.text_content()
    assert "not met" in hover
    assert page.locator("#radar svg title").count() >= 1
    page.screenshot(path=shots / f"report-{name}.png", full_page=True)
    page.emulate_media(media="print")
    assert not page.locator("nav.site").is_visible() and page.locator("#heatmap").is_visible()
    pdf = page.pdf(path=str(shots / f"report-{name}.pdf"), format="A4")
    assert pdf.startswith(b"%PDF")


def test_model_browser_search_and_filters(watched, server, shots):
    page = watched.page
    page.goto(server.url + "/browse")
    rows = page.locator("#kpi-table tbody tr")
    total = rows.count()
    assert total > 0 and page.locator("#kpi-table tbody tr:visible").count() == total
    page.fill("#kpi-search", "air")
    visible = page.locator("#kpi-table tbody tr:visible")
    assert 0 < visible.count() < total
    assert all("air" in text.lower() for text in visible.all_inner_texts())
    assert page.locator("#kpi-count").inner_text() == f"{visible.count()} of {total} shown"
    page.fill("#kpi-search", "")
    dimension = page.locator("#kpi-dimension option").nth(1).inner_text()
    page.select_option("#kpi-dimension", dimension)
    kept = page.locator("#kpi-table tbody tr:visible")
    assert 0 < kept.count() < total
    assert {row.get_attribute("data-dimension") for row in kept.all()} == {dimension}
    page.screenshot(path=shots / "browse.png", full_page=True)
    page.goto(server.url + "/browse?model=wego-tmf")
    assert page.locator("#achievement-table tbody tr").count() == len(
        requests.post(f"{server.url}/assess?model=wego-tmf", data=(EXAMPLES / "exampleton.ttl").read_bytes(),
                      headers={"Content-Type": "text/turtle"}, timeout=60).json()["aspects"])


def test_benchmark_page(watched, server, shots):
    page = watched.page
    page.goto(server.url + "/benchmark")
    code = page.locator("#kpi").input_value()
    rows = requests.get(server.url + "/analysis/kpi-across-cities", params={"kpi": code}, timeout=30).json()["rows"]
    assert page.locator("svg.bars g.bar").count() >= len(rows) > 0
    assert page.locator("svg.bars line.target").count() >= 1
    page.screenshot(path=shots / "benchmark.png", full_page=True)
