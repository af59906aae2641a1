"""kg: the knowledge graph of Chinese budget and final-accounts disclosures (store, RDF, queries, CLI)."""
__version__ = "0.1.0"
