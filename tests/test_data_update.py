"""The fast reader of INSERT DATA / DELETE DATA (server/sparql/data_update.py) against rdflib's
parse of the same text: the same change, or no answer (rdflib then reads it, with its errors)."""
from __future__ import annotations

import random

import pyoxigraph as ox
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from rdflib.plugins.sparql.parser import parseUpdate

from vetkg.server.sparql.data_update import DataUpdate, read_data_update
from vetkg.server.sparql.errors import ProtocolError
from vetkg.server.sparql.guard import check_update
from vetkg.server.writes.state import PendingState
from vetkg.server.writes.update import UpdateFailed, UpdateOptions, apply_update

X = "http://www.w3.org/2001/XMLSchema#"
EX = "PREFIX ex: <http://example.org/> "
# in the store before each update, for DELETE DATA to find
BEFORE = """
<http://example.org/s> <http://example.org/p> "o" .
<http://example.org/s> <http://example.org/p> "o" <http://example.org/g> .
<http://example.org/s> <http://example.org/q> <http://example.org/o> <http://example.org/g2> .
<http://example.org/s> <http://example.org/n> "01"^^<http://www.w3.org/2001/XMLSchema#integer> <http://example.org/g> .
<http://example.org/s> <http://example.org/n> "1"^^<http://www.w3.org/2001/XMLSchema#integer> <http://example.org/g> .
"""

SAME = [
    EX + "INSERT DATA { ex:s ex:p ex:o }",
    EX + "INSERT DATA { ex:s ex:p ex:o . }",
    "INSERT DATA { <http://example.org/s> a <http://example.org/C> ; <http://example.org/p> 'x', \"y\" }",
    EX + "INSERT DATA { GRAPH ex:g { ex:s ex:p ex:o } }",
    EX + "insert data { graph <http://example.org/g> { ex:s ex:p ex:o . } . ex:t ex:p ex:o GRAPH ex:g2 { ex:u ex:p ex:o } }",
    EX + "INSERT DATA { ex:a ex:p ex:o GRAPH ex:g { ex:b ex:p ex:o } ex:c ex:p ex:o . GRAPH ex:g { ex:d ex:p ex:o } }",
    EX + "INSERT DATA { GRAPH ex:g { } }",
    EX + "INSERT DATA { }",
    EX + 'INSERT DATA { ex:s ex:p "chat"@fr, "colour"@en-gb, "x"^^ex:dt, "x"^^<http://example.org/dt> }',
    EX + f'PREFIX xsd: <{X}> INSERT DATA {{ ex:s ex:p "01"^^xsd:integer, "1.50"^^xsd:decimal, " a  b "^^xsd:token, '
    '"2020-01-01T00:00:00.000Z"^^xsd:dateTime, "x"^^xsd:string, "True"^^xsd:boolean, "abc"^^xsd:integer }',
    EX + "INSERT DATA { ex:s ex:p 01, +1, -2, 1.50, .5, 1e3, 1.0E-2, 1.e3, true, false, (1 2.0) }",
    EX + "INSERT DATA { ex:s ex:p 1. ex:s ex:q 1.5. ex:s ex:r true. ex:s ex:t 2 }",
    # bare numbers beside strings with a datatype: rdflib writes the first anew, keeps the second
    EX + f'PREFIX xsd: <{X}> INSERT DATA {{ ex:s ex:p 01, "01"^^xsd:integer, 1e3, "1e3"^^xsd:double ; ex:q true }}',
    EX + 'INSERT DATA { ex:s ex:p "第1条：推进职业教育产教融合", ex:名称, <http://example.org/é> }',
    EX + r'INSERT DATA { ex:s ex:p "tab\there \"quoted\" back\\slash\nline\r\b\f", ' + r"'it\'s', "
    + "'''long 'one'\n with '' quotes''', " + '"""long "two" ""\n"""' + " }",
    EX + "INSERT DATA { _:a ex:p _:b . _:b ex:p [ ex:q _:a ; ex:r [] ] ; ex:list ( _:a [] ) }",
    EX + "INSERT DATA { ex:s ex:p _:a } ; INSERT DATA { ex:s ex:p _:b } ;",
    EX + "INSERT DATA { ex:s ex:p ex:o } ; PREFIX ex: <http://example.com/> INSERT DATA { ex:s ex:p ex:o }",
    "# a comment\nPREFIX ex: <http://example.org/> # and one { with a brace\nBASE <http://base.example/>\n"
    "INSERT # here\n DATA { ex:s ex:p ex:o # } not the end\n . GRAPH ex:g # {\n { ex:s ex:p '}' } }",
    EX + 'DELETE DATA { ex:s ex:p "o" }',
    EX + 'DELETE DATA { GRAPH ex:g { ex:s ex:p "o" } GRAPH ex:g2 { ex:s ex:q ex:o } ex:missing ex:p ex:o }',
    EX + f'PREFIX xsd: <{X}> DELETE DATA {{ GRAPH ex:g {{ ex:s ex:n "01"^^xsd:integer }} }}',
    EX + "DELETE DATA { GRAPH ex:g { ex:s ex:n 01 } }",
    EX + 'DELETE DATA { ex:s ex:p "o" } ; INSERT DATA { GRAPH ex:g { ex:s ex:p "o2" } } ; '
    'DELETE DATA { GRAPH ex:g { ex:s ex:p "o2" } }',
    "",
    EX,
    "PREFIX : <http://example.org/> INSERT DATA { :s :p :o }",
]

# Texts the fast reader leaves to rdflib: what it may not read as rdflib does, and what rdflib refuses.
LEFT_TO_RDFLIB = [
    EX + "INSERT DATA { ex:s ex:p ?o }",  # a variable
    EX + "DELETE DATA { ex:s ex:p _:b }",  # a blank node in DELETE DATA
    EX + "DELETE DATA { ex:s ex:p [] }",
    EX + "INSERT DATA { ex:s ex:p _:b } ; INSERT DATA { ex:s ex:p _:b }",  # a label in two operations
    EX + "INSERT DATA { ex:s ex:p ex:o",  # unclosed
    EX + "INSERT DATA { ex:s ex:p }",  # incomplete
    EX + "INSERT DATA { ex:s ex:p ex:o } garbage",
    EX + "INSERT DATA { ex:s ex:p ex:o } ; DELETE WHERE { ?s ?p ?o }",  # not data only
    EX + "INSERT { ex:s ex:p ex:o } WHERE {}",
    EX + "INSERT DATA { ex:s ex:p <rel> }",  # a relative IRI: rdflib resolves it its own way
    "PREFIX ex: <rel/> INSERT DATA { ex:s ex:p ex:o }",
    "PREFIX a: <http://e/> PREFIX b: <http://e/> INSERT DATA { a:s a:p a:o }",  # rdflib forgets a:
    EX + "INSERT DATA { ex:s ex:p \"\\u0041\" }",  # rdflib expands \\u before parsing
    EX + "INSERT DATA { ex:s ex:p 'a\\\"b' }",  # an escape rdflib does not read in '…'
    EX + 'INSERT DATA { ex:s ex:p "x"@EN }',  # Oxigraph lower-cases the tag, rdflib keeps it
    EX + 'INSERT DATA { ex:s ex:p "x" @en }',  # rdflib reads no space before a tag
    EX + 'INSERT DATA { ex:s ex:p "x"^^ ex:dt }',
    EX + "INSERT DATA { ex:s ex:p 1.2.3 }",  # no SPARQL number
    EX + 'INSERT DATA { ex:s ex:p "x"@en--ltr }',  # RDF 1.2
    EX + "INSERT DATA { ex:s ex:p <<( ex:a ex:b ex:c )>> }",
    EX + "INSERT DATA { ex:s ex:p ex:o {| ex:q ex:r |} }",
    EX + "INSERT DATA { GRAPH _:g { ex:s ex:p ex:o } }",  # a blank node names no graph in SPARQL
    EX + "INSERT DATA { GRAPH ?g { ex:s ex:p ex:o } }",
    EX + "INSERT DATA { ex:g { ex:s ex:p ex:o } }",  # TriG's graph block without GRAPH
    EX + "INSERT DATA { { ex:s ex:p ex:o } }",
    EX + "INSERT DATA { @prefix e: <http://e/> . e:s e:p e:o }",
    EX + "INSERT DATA { GRAPH ex:g { GRAPH ex:h { ex:s ex:p ex:o } } }",
    EX + "INSERT DATA { ex:s ex:p ex:a\\.b }",  # an escaped local name
    EX + "INSERT DATA { rdf:s ex:p ex:o }",  # rdflib's own predeclared rdf:
    EX + "INSERT DATA { ex:s ex:p TRUE }",
    EX + "INSERT DATA { \"lit\" ex:p ex:o }",
]


def _store() -> ox.Store:
    store = ox.Store()
    store.load(BEFORE, format=ox.RdfFormat.N_QUADS)
    return store


def _canonical(quads: frozenset[ox.Quad]) -> set[ox.Quad]:
    dataset = ox.Dataset(quads)
    dataset.canonicalize(ox.CanonicalizationAlgorithm.UNSTABLE)
    return set(dataset)


def _change(text: str, tree: object) -> tuple[set[ox.Quad], set[ox.Quad], frozenset[str]]:
    state = PendingState(_store())
    apply_update(state, text, UpdateOptions(base_iri="http://endpoint.example/sparql"), tree)
    change = state.change()
    return _canonical(change.added), _canonical(change.removed), change.created_graphs


@pytest.mark.parametrize("text", SAME)
def test_the_fast_reader_makes_the_change_rdflib_makes(text: str) -> None:
    fast = read_data_update(text)
    assert isinstance(fast, DataUpdate), "the fast reader should read this text"
    assert _change(text, fast) == _change(text, parseUpdate(text))


def test_blank_nodes_of_insert_data_are_new_nodes() -> None:
    text = EX + "INSERT DATA { _:a ex:p _:a . [] ex:p ex:o }"
    state = PendingState(_store())
    apply_update(state, text, UpdateOptions(), read_data_update(text))
    added = state.change().added
    nodes = {t.value for q in added for t in (q.subject, q.object) if isinstance(t, ox.BlankNode)}
    assert len(nodes) == 2 and "a" not in nodes  # one per label, not the label of the text


@pytest.mark.parametrize("text", LEFT_TO_RDFLIB)
def test_the_fast_reader_leaves_what_it_is_unsure_of_to_rdflib(text: str) -> None:
    assert read_data_update(text) is None


def _rdflib_error(text: str) -> str:
    """The 400 the rdflib path gives ``text``: at the guard (syntax) or when applied."""
    try:
        checked = check_update(text, allow_service=False, using_given=False)
        _change(text, checked.tree)
    except ProtocolError as exc:
        return f"400 {exc}"
    except UpdateFailed as exc:
        return f"400 {exc}"
    return "accepted"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (EX + "INSERT DATA { ex:s ex:p ?o }", "may not hold variables"),
        (EX + "DELETE DATA { ex:s ex:p _:b }", "may not hold blank nodes"),
        (EX + "INSERT DATA { ex:s ex:p _:b } ; INSERT DATA { ex:s ex:p _:b }", "blank node label _:b"),
        (EX + "INSERT DATA { ex:s ex:p ex:o", "syntax error at line 1"),
        (EX + "INSERT DATA { ex:s ex:p }", "syntax error"),
        (EX + "INSERT DATA { ex:s ex:p 'a\\\"b' }", "syntax error"),
        (EX + "INSERT DATA { GRAPH ex:g { GRAPH ex:h { ex:s ex:p ex:o } } }", "syntax error"),
        (EX + "INSERT DATA { ex:s ex:p nope:o }", "Unknown namespace prefix"),
    ],
)
def test_malformed_data_gets_rdflibs_400(text: str, named: str) -> None:
    assert read_data_update(text) is None
    error = _rdflib_error(text)
    assert error.startswith("400 ") and named in error


def test_negative_numbers_are_read() -> None:
    # rdflib alone cannot negate a decimal (RDFLib/rdflib#2962); with server/sparql/rdflib_fixes
    # (imported by the guard) its parser reads them too
    text = EX + "INSERT DATA { ex:s ex:p -0.5, -1e3, -7 }"
    parseUpdate(text)
    fast = read_data_update(text)
    assert fast is not None
    objects = {q.object for op in fast.operations for q in op.quads}
    assert objects == {
        ox.Literal("-0.5", datatype=ox.NamedNode(X + "decimal")),
        ox.Literal("-1000.0", datatype=ox.NamedNode(X + "double")),  # rdflib's lexical form of -1e3
        ox.Literal("-7", datatype=ox.NamedNode(X + "integer")),
    }


# Spellings of terms for texts made up at random: both readers must agree on every text the fast
# one reads (and it should read many: the share is asserted below).
_SUBJECTS = ["ex:s", "<http://example.org/s>", "_:a", "[]", "[ ex:p ex:o ]", "ex:a.b", "ex:1", "ex:", ":x", "ex:%41"]
_PREDICATES = ["ex:p", "a", "<http://example.org/p>", "ex:q"]
_OBJECTS = [
    "ex:o", '"x"', "'y'", '"x"@en', '"x"@zh-hans', '"1"^^xsd:integer', '" 1 "^^xsd:int', '"x"^^ex:dt', "1", "1.0",
    "+2", "3e2", "true", "false", "()", "( ex:a 1 )", '"""a\nb"""', "'''c'd'''", r'"\t\\"', '"é中"', "_:b", "[]",
    '"2001-01-01"^^xsd:date', '"0.10"^^xsd:decimal', '"x"^^xsd:string', "<http://example.org/o#f>", "ex:o.",
]
_HEAD = f"PREFIX ex: <http://example.org/> PREFIX : <http://example.org/c/> PREFIX xsd: <{X}>\n"


def _random_text(rng: random.Random) -> str:
    operations = []
    for _ in range(rng.randint(1, 3)):
        triples = []
        for _ in range(rng.randint(0, 4)):
            triple = " ".join(rng.choice(pool) for pool in (_SUBJECTS, _PREDICATES, _OBJECTS))
            triple += rng.choice(["", " ; ex:q 2", " , 'z'", " ; a ex:C ; ex:r [ ex:p 1 ]"])
            graph = rng.choice([None, None, "ex:g", "<http://example.org/g2>"])
            triples.append((f"GRAPH {graph} {{ {triple} }}" if graph else triple) + rng.choice([" .", "", " . "]))
        operations.append(f"{rng.choice(['INSERT', 'insert', 'DELETE'])} DATA {{ {' '.join(triples)} }}")
    return _HEAD + " ;\n".join(operations)


@settings(max_examples=80, deadline=None, derandomize=True, database=None)
@given(st.randoms(use_true_random=False))
def test_on_random_data_the_fast_reader_agrees_with_rdflib(rng: random.Random) -> None:
    text = _random_text(rng)
    fast = read_data_update(text)
    if fast is None:
        return

    def outcome(tree: object) -> object:
        try:
            return _change(text, tree)
        except UpdateFailed as exc:
            return str(exc)

    assert outcome(fast) == outcome(parseUpdate(text))


def test_the_fast_reader_reads_many_random_texts() -> None:
    # a reader declining everything would agree with rdflib trivially
    read = sum(read_data_update(_random_text(random.Random(seed))) is not None for seed in range(200))
    assert read >= 50
