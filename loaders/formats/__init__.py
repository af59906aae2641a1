"""File formats → rows of cells. Each module registers its reader (registry.py: `@file_format`); importing
this package registers them all. To add a format, add a module and import it here."""
from cnbudget.loaders.formats.registry import FORMATS, FileFormat, Reader, Rendering, file_format, format_for, unreadable
from cnbudget.loaders.formats import docx, legacy, pdf, text, xlsx  # noqa: F401  (each registers its reader)

__all__ = ["FORMATS", "FileFormat", "Reader", "Rendering", "file_format", "format_for", "unreadable"]
