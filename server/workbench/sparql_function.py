"""The search inside SPARQL: ``vetkg:search(?node, "words")``, a custom function of Oxigraph.

It returns the node's BM25 score (``xsd:double``) for the words, from the same index and the same
matching as ``/search`` (every word, or any word when no entry has them all), and is unbound for
a node that does not match, so ``FILTER(BOUND(?score))`` keeps the hits::

    PREFIX vetkg: <https://w3id.org/vetkg/function#>
    SELECT ?m ?score WHERE {
      ?m a vet:Measure .
      BIND(vetkg:search(?m, "实训基地") AS ?score)
      FILTER(BOUND(?score))
    } ORDER BY DESC(?score)

The words are searched once per query text (and index version), not once per solution. Words that
cannot be searched (empty, too long) give no hits. The function runs where the query runs, in the
server's forked query workers, which open the index file themselves. It exists on the embedded
store only: a remote SPARQL server knows nothing of it.
"""
from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

import pyoxigraph as ox

from .index import QueryRejected, SearchIndex

FUNCTION_NAMESPACE = "https://w3id.org/vetkg/function#"
SEARCH = ox.NamedNode(FUNCTION_NAMESPACE + "search")
_DOUBLE = ox.NamedNode("http://www.w3.org/2001/XMLSchema#double")


def search_function(index: SearchIndex, cache_size: int = 32) -> Callable[..., ox.Literal | None]:
    """The callable for ``vetkg:search``. It holds the index only, never the store: the store
    holds it (``custom_functions``), and a cycle back to the store would keep the store, and
    Oxigraph's lock on its files, alive after the app is gone."""
    cache: OrderedDict[tuple[int, str], dict[str, float]] = OrderedDict()

    def scores(words: str) -> dict[str, float]:
        key = (index.version, words)
        found = cache.get(key)
        if found is None:
            try:
                found = index.scores(words)
            except QueryRejected:
                found = {}
            cache[key] = found
            while len(cache) > cache_size:
                cache.popitem(last=False)
        return found

    def search(node: object, words: object = None) -> ox.Literal | None:
        if not isinstance(node, ox.NamedNode) or not isinstance(words, ox.Literal):
            return None
        score = scores(words.value).get(node.value)
        return None if score is None else ox.Literal(repr(float(score)), datatype=_DOUBLE)

    return search
