"""Documents → records: each loader reads one file format and yields a `Disclosure` record.

`load_file(path)` picks the loader by file type; records are independent of RDF (see kg/rdf.py).
"""
from loaders.errors import LoadError
from loaders.records import Disclosure, Table, Observation, Cell, Row
from loaders.dispatch import load_file, iter_files, SUPPORTED_SUFFIXES

__all__ = ["LoadError", "Disclosure", "Table", "Observation", "Cell", "Row",
           "load_file", "iter_files", "SUPPORTED_SUFFIXES"]
