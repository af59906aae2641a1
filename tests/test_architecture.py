"""The package's grain: the layers contract (pyproject.toml, import-linter) holds on the checkout and fails on a
wrong import; no private name is imported across modules; modules stay a size a reader can hold."""
from __future__ import annotations

import ast
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT

PARTS = ("__init__.py", "kg", "loaders", "api", "ontology", "queries")
LINT = Path(sys.executable).parent / "lint-imports"


def _modules() -> list[Path]:
    return sorted(p for part in ("kg", "loaders", "api", "ontology") for p in (ROOT / part).rglob("*.py"))


def _lint(package_parent: Path, config: Path) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONPATH=str(package_parent))
    return subprocess.run([str(LINT), "--no-cache", str(config)], env=env, cwd=package_parent,
                          capture_output=True, text=True)


def _as_package(tmp_path: Path, copy: bool) -> Path:
    """A folder holding `cnbudget`: the checkout itself (a link), or a copy of its parts to change."""
    holder = tmp_path / "src"
    holder.mkdir()
    if copy:
        for part in PARTS:
            source = ROOT / part
            if source.is_dir():
                shutil.copytree(source, holder / "cnbudget" / part, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                (holder / "cnbudget").mkdir(exist_ok=True)
                shutil.copy(source, holder / "cnbudget" / part)
    else:
        (holder / "cnbudget").symlink_to(ROOT, target_is_directory=True)
    return holder


@pytest.mark.skipif(not LINT.exists(), reason="import-linter is a test dependency (pip install .[test])")
def test_layers_contract_holds_on_the_checkout(tmp_path):
    result = _lint(_as_package(tmp_path, copy=False), ROOT / "pyproject.toml")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Contracts: 2 kept, 0 broken." in result.stdout


@pytest.mark.skipif(not LINT.exists(), reason="import-linter is a test dependency (pip install .[test])")
@pytest.mark.parametrize("module, wrong", [
    ("loaders/text.py", "from cnbudget.kg.store import open_store"),  # reading imports the store
    ("kg/rdf/terms.py", "from cnbudget.kg import load"),  # RDF imports loading
    ("loaders/layouts/pipes.py", "from cnbudget.loaders import dispatch"),  # a layout imports the document reader
])
def test_layers_contract_fails_on_a_wrong_import(tmp_path, module, wrong):
    holder = _as_package(tmp_path, copy=True)
    path = holder / "cnbudget" / module
    text = path.read_text(encoding="utf-8")
    anchor = "from __future__ import annotations\n"
    assert anchor in text
    path.write_text(text.replace(anchor, anchor + wrong + "\n", 1), encoding="utf-8")
    result = _lint(holder, ROOT / "pyproject.toml")
    assert result.returncode != 0
    assert "BROKEN" in result.stdout and "is not allowed to import" in result.stdout


def test_no_private_name_is_imported_across_modules():
    offences = []
    for path in _modules():
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("cnbudget"):
                offences += [f"{path.relative_to(ROOT)}:{node.lineno} {node.module}.{a.name}"
                             for a in node.names if a.name.startswith("_") and not a.name.startswith("__")]
    assert not offences, offences


def test_modules_fit_in_a_readers_head():
    """Under ~400 lines is the aim; 450 is where a module must be split."""
    long = {str(p.relative_to(ROOT)): n for p in _modules()
            if (n := len(p.read_text(encoding="utf-8").splitlines())) > 450}
    assert not long, long


def test_every_package_folder_is_a_package():
    """A folder of modules without __init__.py installs as a namespace package that import-linter skips."""
    missing = [str(d.relative_to(ROOT)) for part in ("kg", "loaders", "api", "ontology")
               for d in [ROOT / part, *(ROOT / part).rglob("*")]
               if d.is_dir() and d.name != "__pycache__" and any(d.glob("*.py")) and not (d / "__init__.py").exists()]
    assert not missing, missing
