"""Running SPARQL queries safely, with no web in it: :mod:`.guard` refuses what is too costly
or unsafe before Oxigraph runs a query, :mod:`.executor` runs it in a forked worker
(:mod:`.workers`) stopped at its deadline, :mod:`.confine` says what the worker cannot do,
:mod:`.results` and :mod:`.formats` write the answer. Used by the endpoint
(:mod:`vetkg.server.sparql_endpoint`) and by the write path (updates pass the same guard).
"""
