"""Everything above ingest and shapes: the settings (:mod:`.config`), the query engine
(:mod:`.sparql`) and the write path (:mod:`.writes`), which hold no web code; the web server over
them (Flask: ``/sparql``, the pages, writes over HTTP, validation, the workbench, the operating
routes; :mod:`.app`, served by :mod:`.serving`); and the ``vetkg`` command (:mod:`.cli`).

The layers inside are import-linter contracts in ``pyproject.toml``; ARCHITECTURE.md draws them.
"""
