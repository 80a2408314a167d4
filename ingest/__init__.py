"""Text to graph: read a policy document, find its structure and entities, and emit RDF."""
