"""A real browser against a real server: the query page runs an example query, an entity page shows
its label; over documents built by ``vetkg build``, every page loads without console errors,
search finds what only word segmentation finds, compare shows a changed target and the network
view draws its nodes.

Debian's chromium and chromium-driver (``apt-get install -y chromium chromium-driver``) drive it
through selenium, with fonts-noto-cjk for the Chinese of the screenshots; nothing is downloaded
here. ``VETKG_SCREENSHOTS=server/static/screenshots`` writes the README's screenshots there
(else into a temporary folder).
"""
from __future__ import annotations

import gc
import os
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from conftest import serving
from ingest_helpers import BINHAI, SEED, cli_build
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from vetkg.ontology import ONTOLOGY_FILE, ONTOLOGY_IRI
from vetkg.store.oxigraph import OxigraphStore

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data" / "ld" / "dataset.trig"
PLAN_2026 = Path(__file__).parent / "data" / "compare" / "tianjin-2026-work-points.txt"
DOC_2025 = "/doc/" + quote("津教职函-2025-1号")
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WAIT = 30  # seconds: a cold Chromium on a busy machine is slow to start and to lay out YASGUI


def _build_store(path: Path) -> None:
    graphs: dict[str, list[ox.Triple]] = {}
    for quad in ox.parse(path=str(DATA), format=ox.RdfFormat.TRIG):
        graphs.setdefault(quad.graph_name.value, []).append(quad.triple)
    graphs[ONTOLOGY_IRI] = [q.triple for q in ox.parse(path=str(ONTOLOGY_FILE), format=ox.RdfFormat.TURTLE)]
    store = OxigraphStore(path)
    store.replace_graphs(graphs)
    store.close()
    del store
    gc.collect()  # pyoxigraph releases the store's lock only when the object is gone


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``vetkg serve`` on a free loopback port over a store built from the fixture."""
    root = tmp_path_factory.mktemp("browser")
    _build_store(root / "store")
    with serving(root / "store") as url:
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[webdriver.Chrome]:
    assert Path(CHROMIUM).exists(), f"{CHROMIUM} is missing: apt-get install -y chromium chromium-driver"
    assert Path(CHROMEDRIVER).exists(), f"{CHROMEDRIVER} is missing: apt-get install -y chromium-driver"
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync",
                 "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}"):
        options.add_argument(flag)
    # An explicit driver path keeps Selenium Manager from looking for (and downloading) a driver.
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(WAIT)
    try:
        yield driver
    finally:
        driver.quit()


def _console_errors(driver: webdriver.Chrome) -> str:
    try:
        return "\n".join(str(e) for e in driver.get_log("browser"))
    except Exception:
        return ""


def test_query_page_runs_an_example_and_shows_rows(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/")
    wait = WebDriverWait(browser, WAIT)
    try:
        wait.until(lambda d: d.execute_script("return !!(window.vetkgYasgui && document.querySelector('.yasqe'))"))
    except TimeoutException:
        pytest.fail("YASGUI did not start:\n" + _console_errors(browser))
    button = browser.find_element(By.CSS_SELECTOR, 'button.example[data-example="01-institutions-per-work-area"]')
    button.click()

    def rows(driver: webdriver.Chrome) -> list[str]:
        cells = driver.find_elements(By.CSS_SELECTOR, ".tab-panel.active .yasr table tbody tr, .yasr table tbody tr")
        texts = [c.text for c in cells if c.text.strip()]
        return texts if any("提升院校关键办学能力" in t for t in texts) else []

    try:
        found = wait.until(rows)
    except TimeoutException:
        shown = browser.find_elements(By.CSS_SELECTOR, ".yasr")
        pytest.fail("no result rows appeared; YASR shows: "
                    + " | ".join(e.text[:500] for e in shown) + "\n" + _console_errors(browser))
    assert any("天津职业大学" in text for text in found)
    assert any("深化产教融合" in text for text in found)  # the second document's work area

    # A result IRI of ours opens its page on this server, not on w3id.org.
    link = browser.find_element(By.CSS_SELECTOR, ".yasr table tbody a[href*='/area/']")
    link.click()
    WebDriverWait(browser, WAIT).until(lambda d: d.current_url.startswith(server + "/doc/"))
    heading = WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.TAG_NAME, "h1"))
    assert heading.text.strip() in ("提升院校关键办学能力", "深化产教融合")


def test_entity_page_shows_its_label(server: str, browser: webdriver.Chrome) -> None:
    browser.get(server + "/id/org/" + quote("天津职业大学"))
    heading = WebDriverWait(browser, WAIT).until(lambda d: d.find_element(By.TAG_NAME, "h1"))
    assert heading.text.strip() in ("天津职业大学", "Tianjin Vocational Institute")
    marks = browser.find_elements(By.TAG_NAME, "mark")
    assert marks and all(m.text == "天津职业大学" for m in marks)


def test_a_link_cannot_point_the_query_page_at_another_endpoint(server: str, browser: webdriver.Chrome) -> None:
    """/?endpoint=…&query=… opens the shared query, sent to this server's /sparql only."""
    canary = socket.socket()
    canary.bind(("127.0.0.1", 0))
    canary.listen(16)
    canary.settimeout(0.2)
    elsewhere = f"http://127.0.0.1:{canary.getsockname()[1]}/sparql"
    try:
        browser.get(server + "/?endpoint=" + quote(elsewhere, safe="") + "&query=" + quote("ASK { ?s ?p ?o }", safe=""))
        wait = WebDriverWait(browser, WAIT)
        wait.until(lambda d: d.execute_script("return !!(window.vetkgYasgui && window.vetkgYasgui.getTab())"))
        tab = "window.vetkgYasgui.getTab()"
        assert browser.execute_script(f"return {tab}.getYasqe().getValue()") == "ASK { ?s ?p ?o }"
        assert browser.execute_script(f"return {tab}.getEndpoint()") == server + "/sparql"
        browser.execute_script(f"{tab}.getYasqe().query()")
        wait.until(lambda d: "true" in " ".join(e.text for e in d.find_elements(By.CSS_SELECTOR, ".yasr")).lower())
        with pytest.raises(TimeoutError):
            canary.accept()  # nothing came
    finally:
        canary.close()


def test_result_cells_show_markup_as_text(server: str, browser: webdriver.Chrome) -> None:
    """A literal holding markup is shown in YASGUI's table as text, never run or rendered."""
    payload = "<img src=x onerror=\"window.vetkgXss=1\"><script>window.vetkgXss=2</script>"
    query = "SELECT ?x WHERE { BIND(" + '"' + payload.replace('"', '\\"') + '"' + " AS ?x) }"
    browser.get(server + "/?query=" + quote(query, safe=""))
    wait = WebDriverWait(browser, WAIT)
    wait.until(lambda d: d.execute_script("return !!(window.vetkgYasgui && window.vetkgYasgui.getTab())"))
    browser.execute_script("window.vetkgYasgui.getTab().getYasqe().query()")
    wait.until(lambda d: "onerror" in " ".join(e.text for e in d.find_elements(By.CSS_SELECTOR, ".yasr table tbody")))
    assert browser.execute_script("return window.vetkgXss === undefined")
    assert not browser.find_elements(By.CSS_SELECTOR, ".yasr table tbody img, .yasr table tbody script")


# --- the workbench, over documents built by the pipeline ----------------------------------------

@pytest.fixture(scope="module")
def built_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """``vetkg serve`` over the seed, a Tianjin plan of 2026 and the Binhai plan, built by ``vetkg build``."""
    store = cli_build(tmp_path_factory.mktemp("built") / "store", SEED, PLAN_2026, BINHAI)
    with serving(store) as url:
        yield url


@pytest.fixture(scope="module")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = os.environ.get("VETKG_SCREENSHOTS")
    path = Path(folder) if folder else tmp_path_factory.mktemp("screenshots")
    path.mkdir(parents=True, exist_ok=True)
    return path


def _severe(driver: webdriver.Chrome) -> list[str]:
    return [str(e) for e in driver.get_log("browser") if e.get("level") == "SEVERE"]


def _network_drawn(driver: webdriver.Chrome) -> bool:
    return bool(driver.execute_script("return !!window.vetkgNetwork || !!window.vetkgNetworkLoaded"))


PAGES = [
    ("query", "/"),
    ("plan", DOC_2025),
    ("institution", "/id/org/" + quote("天津职业大学")),
    ("region", "/id/place/120000"),
    ("search", "/search?q=" + quote("实训基地")),
    ("compare", "/compare?a=" + quote("津教职函-2025-1号") + "&b=" + quote("津教职函〔2026〕2号")),
    ("ontology", "/ontology"),
    ("void", "/.well-known/void"),
]


@pytest.mark.parametrize(("name", "path"), PAGES, ids=[name for name, _ in PAGES])
def test_each_page_loads_without_console_errors(built_server: str, browser: webdriver.Chrome, name: str, path: str) -> None:
    browser.get_log("browser")  # what earlier pages left
    browser.get(built_server + path)
    WebDriverWait(browser, WAIT).until(lambda d: d.execute_script("return document.readyState") == "complete")
    if name in ("plan", "institution"):
        WebDriverWait(browser, WAIT).until(_network_drawn)
    if name == "query":
        WebDriverWait(browser, WAIT).until(lambda d: d.execute_script("return !!window.vetkgYasgui"))
    if name != "query":  # the query page's heading is YASGUI's
        assert browser.find_element(By.TAG_NAME, "h1").text.strip()
    assert _severe(browser) == []


def test_search_finds_a_word_only_segmentation_finds(built_server: str, browser: webdriver.Chrome) -> None:
    """No text holds 建设公共实训基地 as written, so a substring match finds nothing; cut into
    建设 / 公共 / 实训 / 基地, it finds the measures that name all four."""
    query = "建设公共实训基地"
    browser.get(built_server + "/search?q=" + quote(query))
    hits = WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "ol.hits > li.hit"))
    texts = [h.text for h in hits]
    assert any("区级公共实训基地" in t for t in texts)
    assert not any(query in t for t in texts)
    marked = " ".join(m.text for m in browser.find_elements(By.CSS_SELECTOR, "ol.hits mark"))
    assert "建设" in marked and "实训" in marked


def test_compare_shows_a_changed_target(built_server: str, browser: webdriver.Chrome) -> None:
    browser.get(built_server + "/compare?a=" + quote("津教职函-2025-1号") + "&b=" + quote("津教职函〔2026〕2号"))
    rows = WebDriverWait(browser, WAIT).until(lambda d: d.find_elements(By.CSS_SELECTOR, "table.targets tr.changed"))
    row = next(r for r in rows if "市级高水平高职学校" in r.text)
    cells = [c.text for c in row.find_elements(By.CSS_SELECTOR, "td.num")]
    assert cells[0].startswith("13 所") and cells[1].startswith("15 所")


def test_the_network_view_draws_nodes(built_server: str, browser: webdriver.Chrome, screenshots: Path) -> None:
    browser.get(built_server + DOC_2025 + "?lang=zh")
    try:
        WebDriverWait(browser, WAIT).until(lambda d: d.execute_script("return !!window.vetkgNetwork"))
    except TimeoutException:
        pytest.fail("the network was not drawn:\n" + _console_errors(browser))
    nodes = browser.execute_script("return window.vetkgNetwork.nodes().map(n => n.data('label'))")
    assert len(nodes) >= 10 and "天津职业大学" in nodes
    assert browser.execute_script("return window.vetkgNetwork.edges().length") > 0
    # laid out inside the box, not piled at one point
    spread = browser.execute_script(
        "var b = window.vetkgNetwork.nodes().renderedBoundingBox(); return [b.w, b.h];")
    assert spread[0] > 200 and spread[1] > 100
    canvas = browser.find_element(By.ID, "vetkg-network")
    assert canvas.size["height"] > 300 and canvas.find_elements(By.TAG_NAME, "canvas")

    browser.execute_script("window.scrollTo(0, 0)")
    browser.save_screenshot(str(screenshots / "plan-page.png"))
    section = browser.find_element(By.ID, "network")
    browser.execute_script("arguments[0].scrollIntoView()", section)
    section.screenshot(str(screenshots / "network.png"))
    assert (screenshots / "network.png").stat().st_size > 10_000

    # a click on a node opens its page on this server
    browser.execute_script("window.vetkgNetwork.$(\"node[label = '天津职业大学']\").emit('tap')")
    WebDriverWait(browser, WAIT).until(lambda d: "/id/org/" in d.current_url)
    assert browser.current_url.startswith(built_server)
