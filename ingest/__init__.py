"""Text to graph: read a policy document, find its structure and entities, and emit RDF; and the
build that checks many documents in parallel and writes them into a store, all or nothing
(:mod:`.parallel`)."""
