"""A real browser against a real server: the query page runs an example query, an entity page shows its label.

Debian's chromium and chromium-driver (``apt-get install -y chromium chromium-driver``) drive it
through selenium; nothing is downloaded here.
"""
from __future__ import annotations

import gc
import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pyoxigraph as ox
import pytest
from conftest import serving
from selenium import webdriver
from selenium.common.exceptions import TimeoutException
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from vetkg.ontology import ONTOLOGY_FILE, ONTOLOGY_IRI
from vetkg.store.oxigraph import OxigraphStore

pytestmark = pytest.mark.slow

DATA = Path(__file__).parent / "data" / "ld" / "dataset.trig"
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
