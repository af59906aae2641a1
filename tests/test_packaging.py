"""`pip install .` adds one import package, `cnbudget`, carrying the ontology and the named queries."""
from __future__ import annotations

import os
import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from conftest import ROOT


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(out), str(ROOT)], check=True, capture_output=True)
    return next(out.glob("*.whl"))


def test_wheel_has_one_top_level_package(wheel):
    names = zipfile.ZipFile(wheel).namelist()
    top = {n.split("/")[0] for n in names if not n.split("/")[0].endswith(".dist-info")}
    assert top == {"cnbudget"}
    # the repository's top-level folders are its parts
    for part in ("kg/cli.py", "loaders/tables/find.py", "loaders/layouts/stream.py", "api/__init__.py",
                 "ontology/__init__.py"):
        assert "cnbudget/" + part in names, part


def test_wheel_carries_every_package_folder(wheel):
    """pyproject.toml lists the packages one by one (the root is mapped, not found): none may be left out."""
    names = set(zipfile.ZipFile(wheel).namelist())
    folders = [d for part in ("kg", "loaders", "api", "ontology") for d in [ROOT / part, *(ROOT / part).rglob("*")]
               if (d / "__init__.py").is_file()]
    assert len(folders) >= 12
    for d in folders:
        assert f"cnbudget/{d.relative_to(ROOT)}/__init__.py" in names, d


def test_wheel_carries_ontology_and_queries(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    data = [*ROOT.glob("ontology/**/*.ttl"), *ROOT.glob("queries/*.rq")]
    assert len(data) > 15
    for path in data:
        assert "cnbudget/" + str(path.relative_to(ROOT)) in names, path


def test_fresh_venv_gets_cnbudget_and_nothing_else(wheel, tmp_path):
    """Installed into an empty environment, the wheel adds `cnbudget`; `loaders`, `kg` and `api` are not
    importable names there (no clash with other packages of those names)."""
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    subprocess.run([sys.executable, "-m", "pip", "--python", str(python), "install", "-q", "--no-deps",
                    "--disable-pip-version-check", str(wheel)], check=True, capture_output=True)
    site = next(env_dir.glob("lib/python*/site-packages"))
    added = {p.name for p in site.iterdir() if not p.name.endswith(".dist-info") and p.name != "__pycache__"
             and not p.name.startswith("_")}
    assert added == {"cnbudget"}
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    probe = ("import importlib.util as u, cnbudget.ontology as o; "
             "print([m for m in ('loaders', 'kg', 'api') if u.find_spec(m)], len(o.ontology_files()))")
    out = subprocess.run([str(python), "-c", probe], cwd=tmp_path, env=env, check=True, capture_output=True,
                         text=True).stdout.split()
    assert out[0] == "[]"
    assert int(out[1]) >= 5
    failed = subprocess.run([str(python), "-c", "import loaders"], cwd=tmp_path, env=env, capture_output=True,
                            text=True)
    assert failed.returncode != 0 and "No module named 'loaders'" in failed.stderr


def test_installed_command_finds_its_queries_outside_the_checkout(tmp_path):
    kg = Path(sys.executable).parent / "kg"
    cmd = [str(kg), "queries"] if kg.exists() else [sys.executable, "-m", "cnbudget.kg.cli", "queries"]
    out = subprocess.run(cmd, cwd=tmp_path, check=True, capture_output=True, text=True).stdout
    assert "three-public-expenses" in out
