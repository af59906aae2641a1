"""cnbudget: a knowledge graph of Chinese budget and final-accounts disclosures (部门预算/决算公开).

The repository's top-level folders are this package's parts (pyproject.toml maps them):
loaders/ reads documents into records, kg/ interprets them, builds RDF, stores and queries it and is the
command line, api/ is the web front, ontology/ and queries/ are data. docs/architecture.md has the layers.
"""
__version__ = "0.1.0"
