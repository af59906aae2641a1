"""`pip install .` (non-editable) carries the ontology and the named queries along."""
from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

from conftest import ROOT


def test_wheel_carries_ontology_and_queries(tmp_path):
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
                    "-w", str(tmp_path), str(ROOT)], check=True, capture_output=True)
    wheel = next(tmp_path.glob("*.whl"))
    names = set(zipfile.ZipFile(wheel).namelist())
    for path in ROOT.glob("ontology/**/*.ttl"):
        assert "kg/" + str(path.relative_to(ROOT)) in names, path
    for path in ROOT.glob("queries/*.rq"):
        assert "kg/" + str(path.relative_to(ROOT)) in names, path
    assert "loaders/tables.py" in names and "kg/cli.py" in names
    assert "loaders/layouts/stream.py" in names


def test_installed_command_finds_its_queries_outside_the_checkout(tmp_path):
    kg = Path(sys.executable).parent / "kg"
    if not kg.exists():  # running from a checkout without the console script: use the module
        cmd = [sys.executable, "-m", "kg.cli", "queries"]
        env_path = str(ROOT)
    else:
        cmd, env_path = [str(kg), "queries"], ""
    import os
    env = dict(os.environ, PYTHONPATH=env_path)
    out = subprocess.run(cmd, cwd=tmp_path, env=env, check=True, capture_output=True, text=True).stdout
    assert "three-public-expenses" in out
