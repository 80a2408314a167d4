"""Operating the store while a server holds it: the server owns the store, everything else goes
through it.

``vetkg serve`` announces itself beside the store (:mod:`.presence`); the other commands find it
there and send their work to its routes (:mod:`.routes`: documents, history, revert, backup)
through :mod:`.client`, or say in one line why they cannot. ``routes.init_operate(app)``
registers the routes (imported from there, so the CLI's client does not load Flask).
"""
