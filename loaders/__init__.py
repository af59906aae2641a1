"""Documents → records: each loader reads one file format and yields a `Disclosure` record.

`load_file(path)` picks the loader by file type; records are independent of RDF (see kg/rdf.py).
"""
from cnbudget.loaders.errors import LoadError
from cnbudget.loaders.records import Disclosure, Table, Observation, Cell, Row
from cnbudget.loaders.dispatch import load_file, load_data, read_bytes, iter_files, SUPPORTED_SUFFIXES
from cnbudget.loaders.limits import Limits

__all__ = ["LoadError", "Disclosure", "Table", "Observation", "Cell", "Row", "Limits",
           "load_file", "load_data", "read_bytes", "iter_files", "SUPPORTED_SUFFIXES"]
