"""Turn facts into the token columns of the search index.

Runs only when a store is built: it needs pypinyin's phrase dictionary, which
the query path never loads. Every column is a space-separated list of tokens
that ``normalize`` also produces for queries, so SQLite's FTS5 (with a plain
unicode61 tokenizer that keeps '.') matches them exactly.

Columns (their weights live in ``engine.WEIGHTS``):

* ``zh``     folded Chinese text, one token per character, numbers whole
* ``quote``  the verbatim quote, tokenised the same way
* ``en``     stemmed English words and numbers
* ``names``  names and aliases of the fact's entities (all of the above forms)
* ``py``     phrase-aware pinyin, one syllable per Chinese character of zh
* ``py_alt`` the same with each heteronym's first other reading (ranked low)
* ``ini``    the first letter of each syllable of ``py`` (jlp → 九龙坡)
* ``chars``  ``zh`` one character per token, numbers too (10.6 → 1 0 . 6), so
             that a span cutting a number (6亿 of 10.6亿) is still a phrase
"""

from __future__ import annotations

from functools import lru_cache

from .normalize import is_han, is_han_char, char_tokens, fold_text, stem, tokenize

COLUMNS = ("zh", "quote", "en", "names", "py", "py_alt", "ini", "chars")
#: The index table. unicode61 with '.' kept inside tokens (10.6 is one token;
#: ours never hold any other punctuation); prefix indexes for the pinyin
#: prefixes a query may end with (chongq → chong q*).
FTS_SCHEMA = (f"CREATE VIRTUAL TABLE fts USING fts5({', '.join(COLUMNS)}, "
              "tokenize = \"unicode61 remove_diacritics 0 tokenchars '.'\", prefix = '1 2 3')")
#: Put between the parts of a column so that a phrase never runs from one
#: name into the next. One token for FTS5 ('.' is a token character), but
#: never one of a query's: ``tokenize`` keeps a '.' only between digits.
SEPARATOR = "sep.sep"


def han_tokens(text: str) -> list[str]:
    return [token.text for token in tokenize(fold_text(text))]


def english_tokens(text: str) -> list[str]:
    return [stem(token.text) for token in tokenize(fold_text(text))]


@lru_cache(maxsize=8192)
def _alternatives(char: str) -> tuple[str, ...]:
    from pypinyin import Style, pinyin

    readings = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(r.replace("ü", "v") for r in (readings[0] if readings else []))


@lru_cache(maxsize=65536)
def _run_pinyin(run: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin

    readings = lazy_pinyin(run, style=Style.NORMAL, errors=lambda chars: ["?"] * len(chars))
    if len(readings) != len(run):  # never seen; keep the columns aligned regardless
        readings = [(lazy_pinyin(c, style=Style.NORMAL) or ["?"])[0] for c in run]
    return tuple(r.replace("ü", "v") for r in readings)


def pinyin_columns(text: str) -> tuple[list[str], list[str], list[str]]:
    """(py, py_alt, ini) for the Chinese characters of ``text``, in order.

    The k-th syllable belongs to the k-th Chinese character of the folded
    text, which is how matches on pinyin are highlighted later."""
    folded = fold_text(text)
    primary: list[str] = []
    # Runs of Chinese characters are read as phrases (重庆 → chong qing).
    run: list[str] = []

    def flush():
        if run:
            primary.extend(_run_pinyin("".join(run)))
            run.clear()

    for char in folded:
        if is_han_char(char):
            run.append(char)
        else:
            flush()
    flush()
    han = [c for c in folded if is_han_char(c)]
    alternative = []
    for char, reading in zip(han, primary):
        others = [r for r in _alternatives(char) if r != reading]
        alternative.append(others[0] if others else reading)
    initials = [reading[0] if reading and reading != "?" else "?" for reading in primary]
    return primary, alternative, initials


def name_tokens(names: list[str]) -> list[str]:
    out: list[str] = []
    for name in names:
        if out:
            out.append(SEPARATOR)
        words = tokenize(fold_text(name))
        out.extend(stem(w.text) for w in words)
        if is_han(name):
            py, _alt, ini = pinyin_columns(name)
            out.append(SEPARATOR)
            out.extend(py)
            out.append(SEPARATOR)
            out.extend(ini)
    return out


def fact_columns(fact: dict, entity_names: dict[str, list[str]]) -> dict[str, str]:
    """The index row of one fact (a dict in the shape of facts.yaml)."""
    py, py_alt, ini = pinyin_columns(fact["text"]["zh"])
    names: list[str] = []
    for entity_id in fact.get("entities") or []:
        names.extend(entity_names.get(entity_id, []))
    return {
        "zh": " ".join(han_tokens(fact["text"]["zh"])),
        "quote": " ".join(han_tokens(fact["quote"])),
        "en": " ".join(english_tokens(fact["text"]["en"])),
        "names": " ".join(name_tokens(names)),
        "py": " ".join(py),
        "py_alt": " ".join(py_alt),
        "ini": " ".join(ini),
        "chars": " ".join(t.text for t in char_tokens(fold_text(fact["text"]["zh"]))),
    }


def vocabulary(fact: dict, entity_names: dict[str, list[str]]) -> set[str]:
    """English-script words a typo may be corrected to."""
    words = {t.text for t in tokenize(fold_text(fact["text"]["en"])) if t.text.isalpha() and t.text.isascii()}
    for entity_id in fact.get("entities") or []:
        for name in entity_names.get(entity_id, []):
            words.update(t.text for t in tokenize(fold_text(name)) if t.text.isalpha() and t.text.isascii())
    return words
