"""A fast reader for updates made only of ``INSERT DATA`` and ``DELETE DATA``: Oxigraph's TriG
parser reads the data, where rdflib's pyparsing grammar takes seconds per megabyte.

The update's own structure (its prologue, the operations, each data block's GRAPH blocks) is
found by a small scanner; each data block becomes one TriG document: the prologue's PREFIX
declarations, the triples outside GRAPH wrapped in ``{ … }`` (TriG's default graph block, whose
grammar is SPARQL's TriplesTemplate), each GRAPH block copied as it is written. The wrapping keeps
what TriG allows and SPARQL data does not a TriG syntax error: a graph block without GRAPH, a
directive, a nested ``{``.

It reads only what it is sure to read exactly as the rdflib path does (server/writes/update.py),
and answers None for everything else, which rdflib then parses, so that every error is rdflib's
own message (a syntax error, a variable or a blank node in DELETE DATA, a blank node label in two
operations). In particular None for:

* any text rdflib's ``\\u`` escape expansion would change: rdflib expands them in the whole text
  before parsing, TriG only inside strings and IRIs;
* relative IRIs: TriG is parsed without a base, so one is a syntax error; rdflib resolves them
  with ``urljoin`` and only when they hold no ``:``, which RFC 3986 resolution would not match.
  A BASE declaration is therefore checked and dropped: over absolute IRIs it changes nothing;
* prefix declarations of a relative IRI, or of an IRI another prefix also names (rdflib's
  namespace manager then forgets the first prefix);
* a backslash outside strings (an escaped local name), ``?``/``$``, ``<<``, ``|``, ``~`` and other
  characters SPARQL data does not hold outside strings and IRIs;
* what TriG reads and SPARQL data may not hold: RDF 1.2 triple terms and base directions, a blank
  node naming a graph;
* a number or boolean written bare that is no whole SPARQL number (``1.2.3``) or that rdflib
  cannot make a literal of.

rdflib rewrites the lexical form of a number written bare (``01`` is stored ``"1"``, ``1e3``
``"1000.0"``) and keeps the one of a string with a datatype (``"01"^^xsd:integer`` stays), which
Oxigraph's quads no longer tell apart: so each bare number is written into the TriG document as
the string with a datatype rdflib makes of it (:func:`_as_bare`), and each literal with a
datatype Oxigraph reads is made as rdflib makes ``"…"^^<…>`` (:func:`_as_typed`).
* a language tag with capitals (Oxigraph writes it in lower case, rdflib as given), a space
  before a tag or around ``^^`` (rdflib reads none there).
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass

import pyoxigraph as ox
from rdflib import Literal, URIRef
from rdflib.plugins.sparql.parser import expandUnicodeEscapes_re

from vetkg.store.terms import to_ox

# Strings as rdflib's grammar reads them (its escapes: no \\" in '…' nor \\' in "…"), so that a
# string rdflib would refuse is no token here either.
_TOKEN = re.compile(
    r"(?P<ws>\s+)"
    r"|(?P<comment>#[^\n\r]*)"
    r"|(?P<iri><[^<>\"{}|^`\\\x00-\x20]*>)"
    r"""|(?P<string>'''(?:(?:'|'')?(?:[^'\\]|\\['ntbrf\\]))*'''"""
    r'''|"""(?:(?:"|"")?(?:[^"\\]|\\["ntbrf\\]))*"""'''
    r"""|'(?:[^'\n\r\\]|\\['ntbrf\\])*'(?!')"""
    r'''|"(?:[^"\n\r\\]|\\["ntbrf\\])*"(?!"))'''
    r"|(?P<open>\{)|(?P<close>\})|(?P<semicolon>;)"
    r"|(?P<punct>[,()\[\]])"
    r"|(?P<word>[^\s{}<>\"'#;,()\[\]\\]+)",
    re.DOTALL,
)
# The ASCII characters a word (a prefixed name, a number, a language tag, ``^^``, ``a``) of SPARQL
# data holds; anything else (``?x``, ``|``, ``~``, ``=`` …) is left to rdflib.
_WORD = re.compile(r"[A-Za-z0-9_\-.:%^@+\u0080-\U0010FFFF]+")
_PNAME_NS = re.compile(r"(?:[A-Za-z](?:[A-Za-z0-9_\-.]*[A-Za-z0-9_\-])?)?:")
_ABSOLUTE = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*:")

_PNAME = re.compile(r"[A-Za-z0-9_\-.:%\u0080-\U0010FFFF]*:[A-Za-z0-9_\-.:%\u0080-\U0010FFFF]*")
_BARE = re.compile(r"[+\-]?\.?[0-9]")
_UPPER = re.compile(r"[A-Z]")
_XSD = "http://www.w3.org/2001/XMLSchema#"
_XSD_STRING = _XSD + "string"


@dataclass(frozen=True)
class DataOperation:
    """One INSERT DATA (``delete`` False) or DELETE DATA: its quads in the order written, the
    triples outside GRAPH in the default graph, blank nodes with the labels of the text."""

    delete: bool
    quads: list[ox.Quad]


@dataclass(frozen=True)
class DataUpdate:
    operations: list[DataOperation]


class _Unsure(Exception):
    pass


def read_data_update(text: str) -> DataUpdate | None:
    """The operations of ``text`` when it is made only of INSERT DATA and DELETE DATA (with
    PREFIX/BASE declarations, GRAPH blocks, operations separated by ``;``) and this reader is sure
    to read it as rdflib would; None otherwise, for rdflib to read."""
    if expandUnicodeEscapes_re.search(text):
        return None
    try:
        return DataUpdate(_Scanner(text).operations())
    except _Unsure:
        return None


class _Scanner:
    def __init__(self, text: str) -> None:
        self.text = text
        self.tokens = _TOKEN.finditer(text)
        self.end = 0  # where the text left unread begins
        self.prefixes: dict[str, str] = {}
        self.literals = _Literals()
        self.edits: list[tuple[int, int, str]] = []  # (start, end, TriG) of each bare number

    def _next(self) -> re.Match[str] | None:
        """The next token that is not white space or a comment; None at the end."""
        for token in self.tokens:
            if token.start() != self.end:
                raise _Unsure()  # a character no token starts with
            self.end = token.end()
            if token.lastgroup not in ("ws", "comment"):
                return token
        if self.end != len(self.text):
            raise _Unsure()
        return None

    def operations(self) -> list[DataOperation]:
        found: list[DataOperation] = []
        token = self._next()
        while token is not None:
            token = self._prologue(token)
            if token is None:
                break
            found.append(self._operation(token))
            token = self._next()
            if token is not None:
                if token.lastgroup != "semicolon":
                    raise _Unsure()
                token = self._next()
        _check_labels(found)
        return found

    def _prologue(self, token: re.Match[str] | None) -> re.Match[str] | None:
        """Read PREFIX and BASE declarations from ``token`` on; the first token after them."""
        while token is not None and token.lastgroup == "word" and token.group().upper() in ("PREFIX", "BASE"):
            if token.group().upper() == "BASE":
                iri = self._next()
                if iri is None or iri.lastgroup != "iri":
                    raise _Unsure()
            else:
                name, iri = self._next(), self._next()
                if name is None or iri is None or iri.lastgroup != "iri" or not _PNAME_NS.fullmatch(name.group()):
                    raise _Unsure()
                if not _ABSOLUTE.match(iri.group()):
                    raise _Unsure()
                prefix = name.group()
                if any(other == iri.group() and known != prefix for known, other in self.prefixes.items()):
                    raise _Unsure()
                self.prefixes[prefix] = iri.group()
            token = self._next()
        return token

    def _operation(self, verb: re.Match[str]) -> DataOperation:
        data, brace = self._next(), self._next()
        if (
            verb.lastgroup != "word"
            or verb.group().upper() not in ("INSERT", "DELETE")
            or data is None
            or data.lastgroup != "word"
            or data.group().upper() != "DATA"
            or brace is None
            or brace.lastgroup != "open"
        ):
            raise _Unsure()
        delete = verb.group().upper() == "DELETE"
        self.literals = _Literals()
        self.edits = []
        document = [f"PREFIX {name} {iri}\n" for name, iri in self.prefixes.items()]
        segment = self.end  # where the current run of triples outside GRAPH begins
        after_graph = False
        while True:
            token = self._data_token()
            kind = token.lastgroup
            if after_graph:
                after_graph = False
                if kind == "word" and token.group() == ".":
                    segment = self.end  # the '.' SPARQL allows after a GRAPH block, TriG does not
                    continue
            if kind == "close":
                document.append("{" + self._edited(segment, token.start()) + "\n}\n")
                break
            if kind == "open":
                raise _Unsure()
            if kind == "word" and token.group().upper() == "GRAPH":
                document.append("{" + self._edited(segment, token.start()) + "\n}\n")
                self._graph_block()
                document.append(self._edited(token.start(), self.end) + "\n")
                segment = self.end
                after_graph = True
        return DataOperation(delete, _quads("".join(document), delete))

    def _edited(self, start: int, end: int) -> str:
        """The text from ``start`` to ``end``, its bare numbers written as rdflib reads them."""
        pieces: list[str] = []
        at = start
        while self.edits and self.edits[0][0] < end:
            begin, stop, replacement = self.edits.pop(0)
            pieces += [self.text[at:begin], replacement]
            at = stop
        pieces.append(self.text[at:end])
        return "".join(pieces)

    def _graph_block(self) -> None:
        """Read a GRAPH block after its keyword, to its closing brace."""
        name, brace = self._next(), self._next()
        if name is None or brace is None or brace.lastgroup != "open":
            raise _Unsure()
        if not (name.lastgroup == "iri" or (name.lastgroup == "word" and _PNAME.fullmatch(name.group()))):
            raise _Unsure()
        while True:
            token = self._data_token()
            if token.lastgroup == "open":
                raise _Unsure()
            if token.lastgroup == "close":
                return

    def _data_token(self) -> re.Match[str]:
        """The next token of a data block, its words checked and its literals noted."""
        previous_end = self.end
        token = self._next()
        if token is None:
            raise _Unsure()
        literals = self.literals
        if literals.iri_at is not None:
            # rdflib reads no space between ^^ and the datatype
            if token.lastgroup != "iri" or token.start() != literals.iri_at:
                raise _Unsure()
            literals.iri_at = None
        if token.lastgroup == "string":
            literals.string_end = token.end()
        elif token.lastgroup == "word":
            word = token.group()
            if not _WORD.fullmatch(word):
                raise _Unsure()
            if word[0] in "^@":
                # rdflib reads no space between a string and its tag or ^^ either
                if token.start() != literals.string_end or token.start() != previous_end:
                    raise _Unsure()
                if word[0] == "^":
                    if not word.startswith("^^") or "^" in word[2:]:
                        raise _Unsure()
                    if word == "^^":
                        literals.iri_at = token.end()
                elif _UPPER.search(word):
                    raise _Unsure()  # Oxigraph writes a language tag in lower case, rdflib as given
            elif "^" in word or "@" in word:
                raise _Unsure()
            elif _BARE.match(word) or word.rstrip(".") in ("true", "false"):
                self.edits.append((token.start(), token.end(), _bare_literal(word)))
        return token


@dataclass
class _Literals:
    string_end: int = -1  # where the last string token ended
    iri_at: int | None = None  # where the IRI after a lone ^^ must start


# SPARQL's DOUBLE, DECIMAL and INTEGER (longest first, as a lexer reads them), signed or not, then
# the '.' that may end a triple; booleans are the lower-case keywords only.
_NUMBER = re.compile(
    r"(?P<double>[+\-]?(?:[0-9]+\.[0-9]*[eE][+\-]?[0-9]+|\.[0-9]+[eE][+\-]?[0-9]+|[0-9]+[eE][+\-]?[0-9]+))(?P<d>\.?)"
    r"|(?P<decimal>[+\-]?[0-9]*\.[0-9]+)(?P<m>\.?)"
    r"|(?P<integer>[+\-]?[0-9]+)(?P<i>\.?)"
    r"|(?P<boolean>true|false)(?P<b>\.?)"
)


def _bare_literal(word: str) -> str:
    """A bare number or boolean (and its '.') as the literal rdflib makes of it, in TriG."""
    found = _NUMBER.fullmatch(word)
    if found is None:
        raise _Unsure()
    kind = next(k for k in ("double", "decimal", "integer", "boolean") if found.group(k) is not None)
    literal = _as_bare(found.group(kind), _XSD + kind)
    # a number's or boolean's lexical form holds no quote or backslash to escape
    return f'"{literal.value}"^^<{literal.datatype.value}>' + word[found.end(kind):]


def _quads(document: str, delete: bool) -> list[ox.Quad]:
    try:
        quads = list(ox.parse(document, format=ox.RdfFormat.TRIG))
    except (SyntaxError, ValueError):
        raise _Unsure() from None
    for i, quad in enumerate(quads):
        if isinstance(quad.graph_name, ox.BlankNode):
            raise _Unsure()
        for term in (quad.subject, quad.object):
            if isinstance(term, ox.Triple) or (delete and isinstance(term, ox.BlankNode)):
                raise _Unsure()
        literal = quad.object
        if isinstance(literal, ox.Literal):
            if literal.direction is not None:
                raise _Unsure()
            if literal.language is None and literal.datatype.value != _XSD_STRING:
                same = _as_typed(literal.value, literal.datatype.value)
                if same != literal:
                    quads[i] = ox.Quad(quad.subject, quad.predicate, same, quad.graph_name)
    return quads


@functools.lru_cache(maxsize=65_536)
def _as_typed(lexical: str, datatype: str) -> ox.Literal:
    """The literal the rdflib path makes of ``"lexical"^^<datatype>`` (its parser's RDFLiteral)."""
    return _to_ox_literal(Literal(Literal(lexical), datatype=URIRef(datatype)))


@functools.lru_cache(maxsize=65_536)
def _as_bare(lexical: str, datatype: str) -> ox.Literal:
    """The literal the rdflib path makes of a number or boolean written bare (its INTEGER …)."""
    return _to_ox_literal(Literal(lexical, datatype=URIRef(datatype)))


def _to_ox_literal(literal: Literal) -> ox.Literal:
    try:
        term = to_ox(literal)
    except ValueError:
        raise _Unsure() from None  # rdflib's path refuses it: let it say so
    assert isinstance(term, ox.Literal)
    return term


def _check_labels(operations: list[DataOperation]) -> None:
    """A blank node label in two operations is refused by the rdflib path: leave it the error."""
    seen: set[str] = set()
    for op in operations:
        labels = {term.value for quad in op.quads for term in (quad.subject, quad.object) if isinstance(term, ox.BlankNode)}
        if labels & seen:
            raise _Unsure()
        seen |= labels
