"""The knowledge graph: interpreting records (interpret/), RDF (rdf/), the store (store/), loading, queries,
exports and the command line."""
