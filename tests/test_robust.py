"""Bad input stays one file's problem: the broken-file corpus in one folder with good files (each broken file
its own error line, the rest loaded, the derived graphs rebuilt, exit 1); limits; encodings; control
characters; a cut-off copy never silently replacing the complete document; one document under one base IRI;
a parser's exception or a dying worker process failing its own file only."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import FRAGMENTS, ROOT, SAMPLE, nquads, run
from cnbudget.kg.load import ONTOLOGY_GRAPH, prepare, prepared
from cnbudget.kg.rdf.iris import shared_graph
from cnbudget.kg.store import Store
from cnbudget.loaders import LoadError, Limits, load_file

VARIANTS = ROOT / "tests" / "fixtures" / "variants"
GOOD = [SAMPLE, FRAGMENTS / "wanjiang_jnxq_2024_sangong_ys.txt", FRAGMENTS / "yueyang_taichuangyuan_2017_sangong_ys.txt",
        VARIANTS / "format_2017_js_01.txt"]
TRUNCATED_AT = 32100  # inside 第三部分, before the sections on 基本支出 and 三公 (`head -c 32100`)


def _traditional_big5(text: str) -> bytes:
    import opencc
    return opencc.OpenCC("s2t").convert(text).encode("big5", errors="replace")


def _unprivileged(tmp_path: Path) -> list[str] | None:
    """A command prefix under which a file with mode 000 cannot be read, or None. The tests run as root, whom
    permissions do not stop: as root, the process is run without the capabilities that bypass them
    (CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH) by `setpriv`, so chmod 000 makes a file unreadable for real."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if not setpriv:
            return None
        prefix = [setpriv, "--inh-caps=-dac_override,-dac_read_search",
                  "--bounding-set=-dac_override,-dac_read_search", "--"]
    probe = tmp_path / "probe.txt"
    probe.write_text("x")
    probe.chmod(0)
    try:
        done = subprocess.run([*prefix, sys.executable, "-c", f"open({str(probe)!r}).read()"], capture_output=True)
    except OSError:
        return None
    finally:
        probe.chmod(0o644)
        probe.unlink()
    return prefix if done.returncode != 0 else None


def _kg(prefix: list[str], *args: str) -> subprocess.CompletedProcess:
    """`kg` as its own process (worker processes, exit status and all), with the package this test imports."""
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(p for p in sys.path if p))
    return subprocess.run([*prefix, sys.executable, "-m", "cnbudget.kg.cli", *args], capture_output=True, text=True,
                          env=env, timeout=600)


def test_broken_file_corpus(tmp_path):
    folder = tmp_path / "corpus"
    folder.mkdir()
    text = SAMPLE.read_text(encoding="utf-8")
    data = SAMPLE.read_bytes()
    for n, good in enumerate(GOOD):
        shutil.copy(good, folder / f"{'abcd'[n]}-{good.name}")
    broken: dict[str, str] = {}  # file name → what its error line says
    (folder / "loop.txt").symlink_to("loop.txt")  # unreadable even for root: opening it fails (ELOOP)
    broken["loop.txt"] = "cannot be read"
    os.mkfifo(folder / "fifo.txt")
    broken["fifo.txt"] = "FIFO"
    (folder / "zero.txt").symlink_to("/dev/zero")
    broken["zero.txt"] = "character device"
    bad_name = os.fsdecode(b"name-\xff.txt")
    shutil.copy(GOOD[1], folder / bad_name)
    broken["name-\\xff.txt"] = "not valid UTF-8"
    (folder / "nul.txt").write_bytes(data[:200] + b"\x00\x00\x00\x00" + data[200:])
    broken["nul.txt"] = "binary data"
    (folder / "big5.txt").write_bytes(_traditional_big5(text))
    broken["big5.txt"] = "BIG5"
    (folder / "utf16.txt").write_bytes(text.encode("utf-16"))
    broken["utf16.txt"] = "UTF-16"
    (folder / "truncated.txt").write_bytes(data[:TRUNCATED_AT])  # after a-… (the complete one) in the folder's order
    broken["truncated.txt"] = "--replace-incomplete"
    with open(folder / "huge.txt", "wb") as f:  # 50 MB
        for _ in range(50 * (1 << 20) // len(data) + 1):
            f.write(data)
    broken["huge.txt"] = "--max-file-size"
    (folder / "one-line.txt").write_bytes(b"9" * (10 << 20))  # 10 MB, one line
    broken["one-line.txt"] = "--max-line-length"
    prefix = _unprivileged(tmp_path)
    if prefix is not None:  # unreadable for real: mode 000, read without the capabilities that bypass it
        shutil.copy(GOOD[2], folder / "mode000.txt")
        (folder / "mode000.txt").chmod(0)
        broken["mode000.txt"] = "Permission denied"
        (folder / "locked").mkdir()
        shutil.copy(GOOD[2], folder / "locked" / "inside.txt")
        (folder / "locked").chmod(0)
        broken["locked"] = "cannot be listed"
    try:
        done = _kg(prefix or [], "load", "--store", str(tmp_path / "store"), str(folder))
    finally:
        for p in ("mode000.txt", "locked"):
            if (folder / p).exists():
                (folder / p).chmod(0o755)
    errors = [line for line in done.stderr.splitlines() if line.startswith("error: ")]
    for name, reason in broken.items():
        mine = [line for line in errors if f"{folder}/{name}" in line]
        assert len(mine) == 1, (name, done.stderr)
        assert reason in mine[0], mine[0]
    assert len(errors) == len(broken), done.stderr
    assert "Traceback" not in done.stderr
    for n, good in enumerate(GOOD):
        assert f"loaded {folder}/{'abcd'[n]}-{good.name}" in done.stdout, done.stdout + done.stderr
    assert f"{len(GOOD)} documents loaded, {len(broken)} failed" in done.stdout
    assert done.returncode == 1
    store = Store(str(tmp_path / "store"), read_only=True)
    graphs = set(store.graphs())
    assert ONTOLOGY_GRAPH in graphs and shared_graph(None, "labels") in graphs  # the derived graphs rebuilt
    assert any(store.quads(shared_graph(None, "labels")))
    titles = {r[0].value for r in store.select("SELECT ?t WHERE { ?d a bud:Disclosure ; dct:title ?t }").rows}
    assert len(titles) == len(GOOD)


def test_a_file_name_that_is_not_utf8_prints_as_escapes_in_json(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(GOOD[1], folder / os.fsdecode(b"\xe9\xa2\x84\xd5\xe3.txt"))  # GBK bytes in a UTF-8 system
    shutil.copy(GOOD[2], folder / "good.txt")
    result = run("load", "--store", str(tmp_path / "s"), "--format", "json", str(folder), ok=False)
    assert result.exit_code == 1
    reports = json.loads(result.stdout)
    assert [r["status"] for r in reports] == ["loaded", "failed"]
    assert "\\xd5\\xe3.txt" in reports[1]["path"] and "not valid UTF-8" in reports[1]["error"]


# --- limits -----------------------------------------------------------------------------------------

def test_limits_come_from_options_and_environment(tmp_path, monkeypatch):
    store = str(tmp_path / "s")
    result = run("load", "--store", store, "--max-file-size", "100K", str(SAMPLE), ok=False)
    assert result.exit_code == 1 and "106.1 KiB; the limit is 100 KiB (--max-file-size" in result.output
    result = run("load", "--store", store, "--max-text-size", "40000", str(SAMPLE), ok=False)
    assert "more than 40,000 characters of text" in result.output and "--max-text-size" in result.output
    monkeypatch.setenv("KG_MAX_LINE_LENGTH", "200")
    result = run("load", "--store", store, str(SAMPLE), ok=False)
    assert "characters long; the limit is 200 characters" in result.output
    assert "KG_MAX_LINE_LENGTH" in result.output
    monkeypatch.setenv("KG_MAX_LINE_LENGTH", "lots")
    assert run("load", "--store", store, str(SAMPLE), ok=False).exit_code == 2  # a usage error, named
    monkeypatch.delenv("KG_MAX_LINE_LENGTH")
    assert Limits.from_env({"KG_MAX_FILE_SIZE": "2M"}).file_size == 2 << 20
    with pytest.raises(ValueError, match="KG_MAX_TEXT_SIZE"):
        Limits.from_env({"KG_MAX_TEXT_SIZE": "-3"})


def test_a_long_base_iri_is_refused_before_anything_is_read(tmp_path):
    base = "https://example.org/" + "x" * 100_000 + "/"
    result = run("load", "--store", str(tmp_path / "s"), "--base-iri", base, str(SAMPLE), ok=False)
    assert result.exit_code == 2 and "--base-iri" in result.output and "the limit is 256" in result.output
    assert not (tmp_path / "s").exists()
    run("load", "--store", str(tmp_path / "s"), "--base-iri", "https://example.org/" + "x" * 300 + "/",
        "--max-base-iri-length", "400", str(FRAGMENTS / "wanjiang_jnxq_2024_sangong_ys.txt"))


def test_a_zip_bomb_is_refused_before_it_is_unpacked(tmp_path):
    bomb = tmp_path / "bomb.docx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>" + " " * (3 << 20) + "</w:document>")
    assert bomb.stat().st_size < 100_000
    with pytest.raises(LoadError, match="its unpacked XML is 3.0 MiB; the limit is 2 MiB"):
        load_file(bomb, Limits(file_size=2 << 20))


def test_a_sheet_spanning_a_far_cell_is_refused(tmp_path):
    import openpyxl
    book = openpyxl.Workbook()
    book.active["A1"] = "公开01表"
    book.active["XFD1048576"] = 1
    path = tmp_path / "far.xlsx"
    book.save(path)
    with pytest.raises(LoadError, match="spans A1:XFD1048576"):
        load_file(path)


# --- encodings and control characters ----------------------------------------------------------------

def test_gb18030_text_reads_as_its_utf8_original(tmp_path):
    path = tmp_path / "gb.txt"
    path.write_bytes(SAMPLE.read_text(encoding="utf-8").encode("gb18030"))
    got, want = load_file(path), load_file(SAMPLE)
    assert got.title == want.title and len(got.observations) == len(want.observations) == 1001


@pytest.mark.parametrize("name, encode, reason", [
    ("big5.txt", _traditional_big5, "text looks like BIG5"),
    ("utf16le.txt", lambda t: t.encode("utf-16-le"), "UTF-16LE without a byte-order mark"),
    ("utf16.txt", lambda t: t.encode("utf-16"), "text is UTF-16 (it starts with a UTF-16 byte-order mark)"),
    ("shiftjis.txt", lambda t: ("予算の説明。これは日本語の文章です。" * 40).encode("shift_jis"), "not UTF-8 or GB18030"),
])
def test_other_encodings_are_refused_naming_what_they_look_like(tmp_path, name, encode, reason):
    path = tmp_path / name
    path.write_bytes(encode(SAMPLE.read_text(encoding="utf-8")))
    with pytest.raises(LoadError, match=reason.replace("(", r"\(").replace(")", r"\)")) as e:
        load_file(path)
    assert "iconv" in e.value.reason or "UTF-8" in e.value.reason


def test_a_file_ending_inside_a_character_is_read_as_cut_off(tmp_path):
    data = SAMPLE.read_bytes()
    cut = data.index("第三部分".encode()) + 1  # inside 第's three bytes
    path = tmp_path / "cut.txt"
    path.write_bytes(data[:cut])
    doc = load_file(path)
    assert any("ends inside a character" in w and "appears cut off" in w for w in doc.warnings)


def test_nul_in_a_later_label_is_removed_with_a_warning_naming_the_line(tmp_path):
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    n = lines.index("\t进修及培训", 850) + 1  # 公开03表's row 20508
    lines[n - 1] = "\t进修\x00及培训"
    path = tmp_path / "nul-label.txt"
    path.write_text("\n".join(lines), encoding="utf-8")
    doc = load_file(path)
    assert f"{path}:{n}: control character(s) removed (U+0000) on line {n}" in " ".join(doc.warnings)
    row = [(o.row_code, o.row_label) for o in doc.observations if o.line in range(n, n + 8)]
    assert row and set(row) == {("20508", "进修及培训")}
    store = str(tmp_path / "s")
    run("load", "--store", store, str(path))
    warnings = Store(store, read_only=True).select("SELECT ?w WHERE { ?d bud:loadWarning ?w }").rows
    assert [w[0].language for w in warnings] == ["en"] and "U+0000" in warnings[0][0].value


def test_text_full_of_control_characters_is_refused_as_binary(tmp_path):
    path = tmp_path / "escapes.txt"
    path.write_bytes(SAMPLE.read_bytes().replace(b"\t", b"\x1b"))  # thousands: not text
    with pytest.raises(LoadError, match="binary data"):
        load_file(path)


# --- no silent downgrade -------------------------------------------------------------------------------

def _disclosures(store: str) -> list[tuple[str, str]]:
    rows = Store(store, read_only=True).select("""
        SELECT ?g ?file WHERE { GRAPH ?g { ?d a bud:Disclosure ; dcat:distribution/dct:title ?file } }""").rows
    return sorted((g.value, f.value) for g, f in rows)


def test_a_truncated_copy_does_not_replace_the_complete_document(tmp_path):
    store = str(tmp_path / "s")
    truncated = tmp_path / "truncated.txt"
    truncated.write_bytes(SAMPLE.read_bytes()[:TRUNCATED_AT])
    run("load", "--store", store, str(SAMPLE))
    before = nquads(("--store", store))
    result = run("load", "--store", store, str(truncated), ok=False)
    assert result.exit_code == 1
    assert f"error: {truncated}: looks incomplete" in result.output and "--replace-incomplete" in result.output
    assert "without a section on 基本支出、三公" in result.output and "1,041 figures, the stored version 1,115" in result.output
    assert nquads(("--store", store)) == before
    # asked for, it replaces the complete one, and says so in the report and in the graph
    result = run("load", "--store", store, "--replace-incomplete", str(truncated))
    assert "replaced the stored version (from jiaozuo-ecology-2020-final-accounts.txt)" in result.output
    graph = Store(store, read_only=True)
    recorded = [r[0].value for r in graph.select("SELECT ?w WHERE { ?d bud:loadWarning ?w }").rows]
    assert any("appears cut off" in w for w in recorded) and any("--replace-incomplete" in w for w in recorded)
    del graph
    # the complete document then replaces the cut-off one without being asked: that is no downgrade
    run("load", "--store", store, str(SAMPLE))
    assert _disclosures(store)[0][1] == SAMPLE.name


def test_a_cut_off_document_loaded_first_is_loaded_with_a_recorded_warning(tmp_path):
    store = str(tmp_path / "s")
    truncated = tmp_path / "truncated.txt"
    truncated.write_bytes(SAMPLE.read_bytes()[:TRUNCATED_AT])
    result = run("load", "--store", store, str(truncated))
    assert "warning: " in result.output and "appears cut off" in result.output
    rows = Store(store, read_only=True).select("SELECT ?w WHERE { ?d a bud:Disclosure ; bud:loadWarning ?w }").rows
    assert any("without a section on 基本支出、三公" in r[0].value for r in rows)


@pytest.mark.parametrize("edit", ["drop the label line", "drop the code line", "cut at a line end"])
def test_a_damaged_copy_does_not_replace_the_stored_one_silently(tmp_path, edit):
    lines = SAMPLE.read_text(encoding="utf-8").split("\n")
    n = lines.index("\t进修及培训", 850)
    if edit == "drop the label line":
        del lines[n]
    elif edit == "drop the code line":
        del lines[n - 1]
    else:
        lines = lines[:5600]  # in 第五部分's appended reports: no table, no section of 第三部分 lost
    damaged = tmp_path / "damaged.txt"
    damaged.write_text("\n".join(lines), encoding="utf-8")
    store = str(tmp_path / "s")
    run("load", "--store", store, str(SAMPLE))
    result = run("load", "--store", store, str(damaged), ok=False)
    assert result.exit_code == 1 and "looks incomplete" in result.output, result.output
    assert _disclosures(store)[0][1] == SAMPLE.name


def test_a_new_version_with_as_many_figures_replaces_the_stored_one(tmp_path):
    store = str(tmp_path / "s")
    run("load", "--store", store, str(SAMPLE))
    corrected = tmp_path / "corrected.txt"
    corrected.write_text(SAMPLE.read_text(encoding="utf-8").replace("\t1,175.87\n", "\t1,175.88\n", 1),
                         encoding="utf-8")
    run("load", "--store", store, str(corrected))
    assert _disclosures(store)[0][1] == "corrected.txt"


def test_one_document_under_two_base_iris_is_stored_once(tmp_path):
    store = str(tmp_path / "s")
    run("load", "--store", store, str(SAMPLE))
    result = run("load", "--store", store, "--base-iri", "https://example.org/budget/", str(SAMPLE), ok=False)
    assert result.exit_code == 1
    assert "already in the store under another base IRI" in result.output
    assert "--base-iri https://w3id.org/cnbudget/id/" in result.output
    assert len(_disclosures(store)) == 1
    run("load", "--store", store, "--base-iri", "https://w3id.org/cnbudget/id/", str(SAMPLE))  # its own base: reloads


# --- a parser's exception, a dying worker -------------------------------------------------------------

def test_an_exception_in_a_parser_is_that_files_error_line(tmp_path, monkeypatch):
    import cnbudget.kg.load as load

    real = load.load_data

    def flaky(path, data, limits=None):
        if Path(path).name == "a-flaky.txt":
            raise ZeroDivisionError("a parser's bug")
        return real(path, data, limits)

    monkeypatch.setattr(load, "load_data", flaky)
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(GOOD[1], folder / "a-flaky.txt")
    shutil.copy(GOOD[2], folder / "b-good.txt")
    result = run("load", "--store", str(tmp_path / "s"), "--jobs", "1", str(folder), ok=False)
    assert result.exit_code == 1 and "1 documents loaded, 1 failed" in result.output
    assert f"error: {folder}/a-flaky.txt: internal error while reading it (ZeroDivisionError: a parser's bug)" \
        in result.output
    assert ONTOLOGY_GRAPH in Store(str(tmp_path / "s"), read_only=True).graphs()  # written after the documents


def die_on_a_marked_file(path, base, limits):
    """What a worker runs in test_a_dying_worker_fails_its_own_file_only: dies on a file named die-*."""
    if Path(path).name.startswith("die-"):
        os._exit(9)
    return prepare(path, base, limits)


def test_a_dying_worker_fails_its_own_file_only(tmp_path):
    files = []
    for n, name in enumerate(["a.txt", "die-b.txt", "c.txt", "die-d.txt", "e.txt", "f.txt"]):
        path = tmp_path / name
        shutil.copy(GOOD[1 + n % 3], path)
        files.append(path)
    got = [p.report for p, _ in prepared(files, None, jobs=2, limits=Limits(), work=die_on_a_marked_file)]
    assert [Path(r.path).name for r in got] == [f.name for f in files]
    assert [r.status for r in got] == ["loaded", "failed", "loaded", "failed", "loaded", "loaded"]
    assert "the worker process reading it died" in got[1].error and "died" in got[3].error


def test_read_only_what_is_a_regular_file(tmp_path):
    with pytest.raises(LoadError, match="no such file"):
        load_file(tmp_path / "absent.txt")
    (tmp_path / "dangling.txt").symlink_to(tmp_path / "gone.txt")
    with pytest.raises(LoadError, match="a link to .*gone.txt.*which does not exist"):
        load_file(tmp_path / "dangling.txt")
    (tmp_path / "folder.txt").mkdir()
    with pytest.raises(LoadError, match="a folder, not a regular file"):
        load_file(tmp_path / "folder.txt")
    with pytest.raises(LoadError, match="the file \\(as read\\) is"):  # a regular file that reports no size
        load_file(_proc_file(tmp_path), Limits(file_size=10))


def _proc_file(tmp_path: Path) -> Path:
    link = tmp_path / "status.txt"
    link.symlink_to("/proc/self/status")  # a regular file of size 0 that reads as hundreds of bytes
    return link
