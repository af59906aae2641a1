"""`kg serve` in a real browser: headless Debian Chromium driven by selenium (chromedriver). Skips without them.
Screenshots go to $KG_SCREENSHOTS (default: the test's temporary folder)."""
from __future__ import annotations


import pytest

from conftest import select
from browser import NEEDS_CHROMIUM, browser, shots  # noqa: F401 (fixtures)
from serving import kg_serve

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]


@pytest.fixture(scope="module")
def server(sample_store):
    with kg_serve("--store", sample_store, "--no-sample") as url:
        yield url



def test_an_organization_page_shows_its_name_and_figures(server, store, browser, shots):
    iri = select(store, "SELECT ?x WHERE { ?x a org:Organization ; skos:prefLabel ?n "
                        "FILTER(STR(?n) = '焦作市生态环境局') }")[0]["x"]
    browser.get(server + "/id/" + iri.split("/id/", 1)[1])
    assert browser.find_element(By.ID, "name").text == "焦作市生态环境局"
    tables = browser.find_elements(By.CSS_SELECTOR, "section.table")
    assert len(tables) >= 9
    first = tables[0].find_element(By.CSS_SELECTOR, "h3").text
    assert "公开01表" in first
    assert len(tables[0].find_elements(By.CSS_SELECTOR, "tbody tr")) > 10
    browser.save_screenshot(str(shots / "organization.png"))
    browser.execute_script("document.getElementById('figures').scrollIntoView()")
    browser.save_screenshot(str(shots / "organization-figures.png"))


def test_query_page_runs_an_example_and_shows_the_table(server, browser, shots):
    browser.get(server + "/sparql")
    wait = WebDriverWait(browser, 60)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".yasqe .CodeMirror")))
    browser.find_element(By.CSS_SELECTOR, '[data-example="three-public-expenses"]').click()
    table = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".yasr table.dataTable tbody tr td")))
    rows = browser.find_elements(By.CSS_SELECTOR, ".yasr table.dataTable tbody tr")
    assert len(rows) >= 3 and table.text
    text = browser.find_element(By.CSS_SELECTOR, ".yasr").text
    assert "公务接待费" in text or "公务用车" in text or "因公出国" in text
    browser.execute_script("document.querySelector('.yasr').scrollIntoView()")
    browser.save_screenshot(str(shots / "query.png"))
    errors = [e for e in browser.get_log("browser") if e.get("level") == "SEVERE"] \
        if "browser" in getattr(browser, "log_types", []) else []
    assert not [e for e in errors if "Content Security Policy" in e.get("message", "")]


def test_catalog_page_lists_the_disclosure_and_its_dumps(server, browser, shots):
    browser.get(server + "/catalog")
    dataset = browser.find_element(By.CSS_SELECTOR, "section.dataset")
    assert "焦作市生态环境局2020年度部门决算" in dataset.find_element(By.CSS_SELECTOR, "h3").text
    assert [a.text for a in dataset.find_elements(By.CSS_SELECTOR, "p a")][-6:] == [
        "turtle", "ntriples", "nquads", "trig", "jsonld", "rdfxml"]
    browser.save_screenshot(str(shots / "catalog.png"))
