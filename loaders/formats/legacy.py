"""Old binary Office files (.doc, .xls): not read, but found in a folder they fail with how to convert them."""
from __future__ import annotations

from pathlib import Path

from cnbudget.loaders.errors import LoadError
from cnbudget.loaders.formats.registry import Rendering, file_format


def _refuse(program: str, target: str):
    def read(path: str, data: bytes = b"", limits=None) -> Rendering:
        suffix = Path(path).suffix.lower()
        raise LoadError(path, None, f"{suffix} is the old binary {program} format, which is not read; convert it "
                        f"to {target} first, e.g. `libreoffice --headless --convert-to {target} {Path(path).name}`")
    return read


file_format("doc", (".doc",), "application/msword")(_refuse("Word", "docx"))
file_format("xls", (".xls",), "application/vnd.ms-excel")(_refuse("Excel", "xlsx"))
