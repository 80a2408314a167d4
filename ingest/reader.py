"""Read a document's bytes as text, refusing what is not a readable policy text."""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import InputError

# GB18030 is a superset of GBK and GB2312, the encodings Chinese government sites still publish in.
_ENCODINGS = ("utf-8-sig", "gb18030")
_MIN_HAN_CHARS = 20


@dataclass(frozen=True)
class SourceText:
    name: str
    text: str
    encoding: str


def decode(data: bytes, name: str) -> SourceText:
    """Decode ``data``; raise :class:`InputError` naming ``name`` if it is empty, binary or not Chinese."""
    if not data.strip():
        raise InputError(f"{name}: the file is empty")
    if b"\x00" in data[:65536]:
        raise InputError(f"{name}: binary data, not a text file")
    for encoding in _ENCODINGS:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        break
    else:
        raise InputError(f"{name}: not valid UTF-8 or GB18030 text")
    controls = sum(1 for c in text if ord(c) < 32 and c not in "\r\n\t\f")
    if controls > len(text) * 0.01:
        raise InputError(f"{name}: binary data, not a text file")
    if sum(1 for c in text if "\u4e00" <= c <= "\u9fff") < _MIN_HAN_CHARS:
        raise InputError(f"{name}: no Chinese policy text in the file")
    if _is_json(text):
        # A plan's JSON (an export, an expected-results file beside a text) holds Chinese enough to
        # pass for one, and would be built into a nonsense graph of its keys and brackets.
        raise InputError(f"{name}: JSON data, not a policy text")
    # Offsets in the graph are into this text; normalising line ends keeps them stable across platforms.
    return SourceText(name=name, text=text.replace("\r\n", "\n").replace("\r", "\n"), encoding=encoding)


def _is_json(text: str) -> bool:
    if text.lstrip()[:1] not in ("{", "["):
        return False
    try:
        json.loads(text)
    except ValueError:
        return False
    return True


def read_document(path: Path) -> SourceText:
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    return decode(data, str(path))


DOCUMENT_SUFFIXES = {".txt", ".text"}


def seed_files(directory: Path) -> list[Path]:
    """The documents in ``directory`` that `vetkg build` reads when given no files, in name order."""
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.iterdir() if p.suffix in DOCUMENT_SUFFIXES and p.is_file())
