"""The SPARQL endpoint, linked-data pages, the store registry and the `vetkg` command."""
