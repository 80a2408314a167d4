"""The OWL side of the ontology: load ``vetkg.ttl`` and check it with HermiT.

owlready2 cannot read Turtle, and ``vetkg.ttl`` must stay the one source, so every check converts
the Turtle in memory to N-Triples and loads that into a fresh owlready2 ``World``: nothing a
previous check loaded or inferred can leak into the next one.

HermiT (bundled with owlready2) is used rather than Pellet because owlready2 0.51's Pellet needs a
newer Java than the Java 17 this project targets.
"""
from __future__ import annotations

import contextlib
import io
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import owlready2
from rdflib import OWL, Graph
from rdflib.graph import ConjunctiveGraph
from rdflib.term import Node

from . import ONTOLOGY_FILE, ONTOLOGY_IRI

__all__ = ["ConsistencyResult", "check_consistency", "load_ontology_graph", "main"]

_OWL_NOTHING = str(OWL.Nothing)

# HermiT runs for a second or two and exits: the optimising JIT compiler and the parallel garbage
# collector only compete for cores in that time, and dropping them halves the check on a small
# machine. owlready2 takes no JVM options, but every JVM reads JAVA_TOOL_OPTIONS.
_JVM_OPTIONS = "-XX:TieredStopAtLevel=1 -XX:+UseSerialGC"

# owlready2 keeps global state while reasoning and the JVM options go through the process
# environment, so concurrent checks (a server handling two ontology writes) take turns.
_LOCK = threading.Lock()


@dataclass(frozen=True)
class ConsistencyResult:
    """What HermiT says about the ontology (and data, if given)."""

    consistent: bool
    unsatisfiable: list[str] = field(default_factory=list)
    message: str = ""

    @property
    def ok(self) -> bool:
        """Consistent and without unsatisfiable classes: the state every write must keep."""
        return self.consistent and not self.unsatisfiable


def load_ontology_graph() -> Graph:
    """Parse ``vetkg.ttl`` into a fresh rdflib graph."""
    graph = Graph()
    graph.parse(ONTOLOGY_FILE, format="turtle")
    return graph


def _triples(graph: Graph) -> Iterator[tuple[Node, Node, Node]]:
    # A Dataset or ConjunctiveGraph iterates only its default graph; the triples of its named
    # graphs (where the ontology and ingested documents live) would silently be left out.
    if isinstance(graph, ConjunctiveGraph):
        for s, p, o, _ in graph.quads((None, None, None, None)):
            yield s, p, o
    else:
        yield from graph


def _to_ntriples(*graphs: Graph) -> bytes:
    merged = Graph()
    for graph in graphs:
        for triple in _triples(graph):
            # owlready2 would try to fetch imported ontologies over the network.
            if triple[1] != OWL.imports:
                merged.add(triple)
    return merged.serialize(format="nt", encoding="utf-8")


def _require_java() -> None:
    if shutil.which(owlready2.JAVA_EXE) is None:
        raise RuntimeError(
            "The OWL consistency check runs HermiT, which needs Java: install a JRE "
            "(Debian package default-jre-headless) so that `java` is on the PATH."
        )


@contextlib.contextmanager
def _quiet() -> Iterator[None]:
    # owlready2 reports progress and inference summaries on stdout and stderr.
    sink = io.StringIO()
    with contextlib.redirect_stdout(sink), contextlib.redirect_stderr(sink):
        yield


@contextlib.contextmanager
def _fast_jvm() -> Iterator[None]:
    previous = os.environ.get("JAVA_TOOL_OPTIONS")
    os.environ["JAVA_TOOL_OPTIONS"] = f"{previous} {_JVM_OPTIONS}" if previous else _JVM_OPTIONS
    try:
        yield
    finally:
        if previous is None:
            del os.environ["JAVA_TOOL_OPTIONS"]
        else:
            os.environ["JAVA_TOOL_OPTIONS"] = previous


def _describe_unsatisfiable(iris: list[str]) -> str:
    noun = "class is" if len(iris) == 1 else "classes are"
    return f"consistent, but {len(iris)} {noun} unsatisfiable: " + ", ".join(iris)


def check_consistency(graph: Graph | None = None, data: Graph | None = None) -> ConsistencyResult:
    """Run HermiT on the ontology (``vetkg.ttl`` unless ``graph`` is given) plus optional data.

    Returns whether a model exists and which named classes can have no instance. Raises
    ``RuntimeError`` when Java is missing or HermiT fails for another reason than inconsistency
    (an unparsable input, say), since then no verdict was reached.
    """
    _require_java()
    ontology = load_ontology_graph() if graph is None else graph
    ntriples = _to_ntriples(ontology, *([data] if data is not None else []))

    with _LOCK:
        return _run_hermit(ntriples, with_data=data is not None)


def _run_hermit(ntriples: bytes, with_data: bool) -> ConsistencyResult:
    world = owlready2.World()
    try:
        with _quiet(), _fast_jvm():
            world.get_ontology(ONTOLOGY_IRI).load(fileobj=io.BytesIO(ntriples), format="ntriples")
            try:
                # The data uses xsd:date and xsd:gYear, which are outside the OWL 2 datatype map
                # HermiT implements; without this flag HermiT refuses the whole input.
                owlready2.sync_reasoner_hermit(
                    world, infer_property_values=False, debug=0, ignore_unsupported_datatypes=True
                )
            except owlready2.OwlReadyInconsistentOntologyError:
                scope = "the ontology with the data" if with_data else "the ontology"
                return ConsistencyResult(
                    consistent=False,
                    message=(
                        f"{scope} is inconsistent: no interpretation satisfies all axioms "
                        "(e.g. an individual in two disjoint classes, two values for a functional "
                        "property, or a literal outside a property's range)"
                    ),
                )
            except owlready2.OwlReadyJavaError as error:
                raise RuntimeError(f"HermiT failed without a verdict: {error}") from error
            except FileNotFoundError as error:
                # The PATH check above can pass while the binary cannot be started.
                raise RuntimeError(
                    "Could not start Java for HermiT: install a JRE (Debian package "
                    "default-jre-headless)."
                ) from error
            unsatisfiable = sorted(
                {cls.iri for cls in world.inconsistent_classes() if cls.iri != _OWL_NOTHING}
            )
    finally:
        world.close()

    if unsatisfiable:
        return ConsistencyResult(True, unsatisfiable, _describe_unsatisfiable(unsatisfiable))
    return ConsistencyResult(True, [], "consistent, no unsatisfiable classes")


def main(argv: list[str] | None = None) -> int:
    """Check ``vetkg.ttl``, with any RDF files named on the command line as data."""
    paths = sys.argv[1:] if argv is None else argv
    data: Graph | None = None
    if paths:
        data = Graph()
        for path in paths:
            data.parse(path)
    result = check_consistency(data=data)
    print("consistent" if result.ok else result.message)
    return 0 if result.ok else 1


if __name__ == "__main__":
    sys.exit(main())
