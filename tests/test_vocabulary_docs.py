"""The vocabulary's documentation: every class of ontology/cnbudget.ttl has an example query (skos:example) that
runs on the sample loaded through `kg load`, and scripts/vocabulary-docs.py renders one section per class showing
it (docs/vocabulary.html, committed)."""
from __future__ import annotations

import json
import re
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import OWL, RDF, SKOS, Graph, URIRef

from cnbudget.kg.store.base import with_prefixes
from conftest import ROOT, run

BUD = "https://w3id.org/cnbudget/def#"
ONTOLOGY = ROOT / "ontology" / "cnbudget.ttl"
SCRIPT = ROOT / "scripts" / "vocabulary-docs.py"
PAGE = ROOT / "docs" / "vocabulary.html"


def _classes() -> dict[str, list[str]]:
    """Local name of every named class of the ontology → its examples."""
    g = Graph().parse(ONTOLOGY, format="turtle")
    return {str(c)[len(BUD):]: [str(e) for e in g.objects(c, SKOS.example)]
            for c in g.subjects(RDF.type, OWL.Class) if isinstance(c, URIRef) and str(c).startswith(BUD)}


CLASSES = _classes()
EXAMPLES = {name: examples[0] for name, examples in CLASSES.items() if examples}


def test_every_class_has_one_example_about_it():
    assert len(CLASSES) >= 28
    for name, examples in CLASSES.items():
        assert len(examples) == 1, f"bud:{name} has {len(examples)} examples"
        query = examples[0]
        # the convention stated at the head of the ontology
        assert query.startswith("# ") and "\nSELECT " in query, name
        assert f"a bud:{name} " in query or f"a bud:{name} ;" in query, f"bud:{name}'s example does not ask for it"
        assert "PREFIX" not in query.upper().split("SELECT")[0], f"bud:{name}: prefixes are predeclared"
        # a plain literal, as code is: Chinese text in the graph is tagged @zh (docs/model.md)
        assert not re.search(r"[\u3400-\u9fff]", query), f"bud:{name}'s example holds Chinese characters"


def test_every_class_the_sample_uses_has_an_example(sample_store):
    used = json.loads(run("query", "SELECT DISTINCT ?c WHERE { ?s a ?c FILTER STRSTARTS(STR(?c), STR(bud:)) }",
                          "--store", sample_store, "--format", "json").stdout)
    used = {row["c"][len(BUD):] for row in used}
    assert len(used) >= 25  # the sample uses all but bud:BudgetDisclosure
    assert used <= set(EXAMPLES), f"used without an example: {sorted(used - set(EXAMPLES))}"


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_example_parses_and_returns_rows_on_the_sample(name, sample_store):
    query = EXAMPLES[name]
    ox.Store().query(with_prefixes(query))  # raises SyntaxError if it does not parse
    rows = json.loads(run("query", query, "--store", sample_store, "--format", "json").stdout)
    assert rows, f"bud:{name}'s example returns no row on the sample"


class _Sections(HTMLParser):
    """The <pre> texts of each entity section (div.entity, by id) and the page section it stands in."""

    def __init__(self):
        super().__init__()
        self.stack: list[tuple[str | None, str]] = []
        self.part: dict[str, str | None] = {}
        self.pre: dict[str, list[str]] = {}
        self._text: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "div":
            cls = a.get("class") or ""
            self.stack.append((a.get("id"), cls))
            if "entity" in cls.split():
                self.part[a["id"]] = next((i for i, c in reversed(self.stack[:-1]) if c == "section"), None)
                self.pre.setdefault(a["id"], [])
        elif tag == "pre":
            self._text = []

    def handle_endtag(self, tag):
        if tag == "div":
            self.stack.pop()
        elif tag == "pre" and self._text is not None:
            entity = next(i for i, c in reversed(self.stack) if "entity" in c.split())
            self.pre[entity].append("".join(self._text))
            self._text = None

    def handle_data(self, data):
        if self._text is not None:
            self._text.append(data)


def _assert_a_section_per_class_with_its_example(page: Path):
    parser = _Sections()
    parser.feed(page.read_text(encoding="utf-8"))
    in_classes = {entity for entity, part in parser.part.items() if part == "classes"}
    assert in_classes == set(CLASSES), "one section per class, each anchored at the class's local name"
    for name, examples in CLASSES.items():
        assert parser.pre[name] == examples, f"the section of bud:{name} does not show its example"


def test_generator_writes_a_section_per_class_with_its_example(tmp_path):
    pytest.importorskip("pylode")
    out = tmp_path / "vocabulary.html"
    done = subprocess.run([sys.executable, str(SCRIPT), "-o", str(out)], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    _assert_a_section_per_class_with_its_example(out)
    text = out.read_text(encoding="utf-8")
    assert 'id="objectproperties"' in text and 'id="datatypeproperties"' in text
    assert 'id="fiscalYear"' in text and "fiscal year (财政年度)" in text


def test_committed_page_shows_the_current_examples():
    """docs/vocabulary.html is regenerated when an example changes (python scripts/vocabulary-docs.py)."""
    _assert_a_section_per_class_with_its_example(PAGE)
