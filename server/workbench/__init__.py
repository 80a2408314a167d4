"""The researcher's workbench, over the same store as the endpoint: Chinese full-text search
(``/search``), comparison of plans (``/compare``), the network of what measures name together
(``/network``) and the pictures a page draws (:mod:`.pictures`).

``extension.init_workbench(app)`` (after ``init_writes``) opens the search index (:mod:`.index`) beside the
store, brings it in step with the store (re-segmenting only graphs whose content changed since
it was last built, so a ``vetkg build`` is picked up by the next ``vetkg serve``; see
:mod:`.keeper`), re-indexes the graphs each committed write changed (the writer's
``after_commit`` hook), offers the search
to SPARQL as ``vetkg:search`` (:mod:`.sparql_function`) and registers the pages. Before it,
:mod:`.inference` materialises what the ontology's class and property hierarchy entails, so
``?o a vet:Organization`` finds every college and enterprise.
"""
