"""Which language a piece of text is in, for the human views' --lang."""

from __future__ import annotations

# Chinese characters and punctuation: CJK radicals, symbols and punctuation
# through the unified ideographs (Extension A included), compatibility
# ideographs, vertical and full-width forms, and the supplementary
# ideographic planes (Extensions B to G and beyond).
_HAN_RANGES = ((0x2E80, 0x9FFF), (0xF900, 0xFAFF), (0xFE30, 0xFE4F), (0xFF00, 0xFFEF), (0x20000, 0x3FFFF))


def has_han(text: str) -> bool:
    if text.isascii():
        return False
    return any(low <= ord(char) <= high for char in text for low, high in _HAN_RANGES)


def aliases(names: list[str], lang: str) -> list[str]:
    """English views show the aliases without Chinese characters, Chinese
    views the ones with them, ``both`` every alias."""
    if lang == "en":
        return [name for name in names if not has_han(name)]
    if lang == "zh":
        return [name for name in names if has_han(name)]
    return list(names)
