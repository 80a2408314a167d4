"""Normalisation shortcuts give what the character-by-character rules give."""
from __future__ import annotations

from vetkg.ingest.text import MappedText, nfkc, nfkc_safe, rejoin_lines, squeeze_spaces


def test_nfkc_table_is_the_per_character_rule_on_every_bmp_character() -> None:
    text = "".join(chr(c) for c in range(0x20, 0x10000) if not 0xD800 <= c < 0xE000)
    out = nfkc(MappedText.original(text))
    assert out.text == "".join(nfkc_safe(ch) for ch in text)
    assert out.offsets == tuple(range(len(text)))
    assert nfkc(MappedText.original("２０２５年　１０％")).text == "2025年 10%"


def test_text_without_spaces_or_breaks_comes_back_as_it_is() -> None:
    text = MappedText.original("深化产教融合，推进校企合作。")
    assert squeeze_spaces(text) is text
    assert rejoin_lines(text) is text
    assert squeeze_spaces(MappedText.original("2025 年 依托 6 个")).text == "2025年依托6个"
