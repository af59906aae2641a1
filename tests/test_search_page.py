"""The search page at / of a real `kg serve`, in headless Debian Chromium (selenium): keywords typed into the box,
suggestions as one types, Enter, then the answer table, the SPARQL behind it and the chart. Skips without
chromium and chromedriver. Screenshots go to $KG_SCREENSHOTS (default: the test's temporary folder).

Expected figures are the sample's 三公 table as printed: budget 80.92, actual 54.96 (万元)."""
from __future__ import annotations


import pytest

from browser import NEEDS_CHROMIUM, browser, shots  # noqa: F401 (fixtures)
from serving import kg_serve

webdriver = pytest.importorskip("selenium.webdriver")
from selenium.webdriver.common.by import By  # noqa: E402
from selenium.webdriver.common.keys import Keys  # noqa: E402
from selenium.webdriver.support import expected_conditions as EC  # noqa: E402
from selenium.webdriver.support.ui import WebDriverWait  # noqa: E402

pytestmark = [pytest.mark.slow, NEEDS_CHROMIUM]


@pytest.fixture(scope="module")
def server(sample_store):
    with kg_serve("--store", sample_store, "--no-sample") as url:
        yield url



def csp_errors(browser) -> list[str]:
    return [e["message"] for e in browser.get_log("browser") if "Content Security Policy" in e.get("message", "")]


def test_typing_three_public_expenses_gives_the_table_the_sparql_and_a_chart(server, browser, shots):
    browser.get(server + "/")
    wait = WebDriverWait(browser, 60)
    box = browser.find_element(By.ID, "q")
    box.send_keys("三公")
    suggestions = wait.until(EC.visibility_of_element_located((By.ID, "suggestions")))
    words = [li.text for li in suggestions.find_elements(By.TAG_NAME, "li")]
    assert "三公经费" in words and all("三公" in w for w in words), words
    browser.save_screenshot(str(shots / "search-suggestions.png"))
    box.send_keys("经费", Keys.ENTER)

    table = wait.until(EC.presence_of_element_located((By.ID, "answer-table")))
    cells = [td.text for td in table.find_elements(By.CSS_SELECTOR, "tbody td")]
    assert "80.92" in cells and "54.96" in cells
    assert browser.find_element(By.ID, "q").get_attribute("value") == "三公经费"
    sparql = browser.find_element(By.ID, "sparql").text
    assert "SELECT" in sparql.upper()
    assert browser.find_element(By.ID, "open-query").get_attribute("href").startswith(server + "/sparql#query=")

    drawn = wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, "#chart canvas, #chart svg")))
    assert drawn.size["width"] > 0 and drawn.size["height"] > 0
    # something was painted: a canvas that is not blank
    painted = browser.execute_script(
        "var c = document.querySelector('#chart canvas'); if (!c) { return true; }"
        "var d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        "for (var i = 3; i < d.length; i += 4) { if (d[i] !== 0) { return true; } } return false;")
    assert painted
    browser.save_screenshot(str(shots / "search-answer.png"))
    assert not csp_errors(browser)


def test_the_shown_sparql_opens_and_runs_in_the_query_page(server, browser, shots):
    browser.get(server + "/?q=" + "三公经费")
    browser.find_element(By.ID, "open-query").click()
    wait = WebDriverWait(browser, 60)
    wait.until(EC.presence_of_element_located((By.CSS_SELECTOR, ".yasr table.dataTable tbody tr td")))
    text = browser.find_element(By.CSS_SELECTOR, ".yasr").text
    assert "80.92" in text and "54.96" in text
    browser.execute_script("document.querySelector('.yasr').scrollIntoView()")
    browser.save_screenshot(str(shots / "search-sparql-in-query-page.png"))
    assert not csp_errors(browser)
