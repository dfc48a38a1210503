"""Turn facts into the token columns of the search index.

Tokenising runs only when a store is built: it needs pypinyin's phrase
dictionary, which the query path never loads (queries use only ``layout``:
the columns, their weights and ``full_row``). Every column is a
space-separated list of tokens that ``normalize`` also produces for queries,
so SQLite's FTS5 (with a plain unicode61 tokenizer that keeps '.') matches
them exactly. (A big book's rows are made in two processes: see
``readahead``.)

Columns (their BM25 weights are ``layout.WEIGHTS``):

* ``zh``     folded Chinese text, one token per character, numbers whole
* ``quote``  the verbatim quote, tokenised the same way
* ``en``     stemmed English words and numbers
* ``names``  names and aliases of the fact's entities (all of the above forms),
             each form once: one that another holds (重庆 in 重庆市) is left out
* ``py``     phrase-aware pinyin, one syllable per Chinese character of zh
* ``py_alt`` the same with each heteronym's first other reading (ranked low)
* ``ini``    the first letter of each syllable of ``py`` (jlp → 九龙坡)
* ``chars``  ``zh`` one character per token, numbers too (10.6 → 1 0 . 6), so
             that a span cutting a number (6亿 of 10.6亿) is still a phrase;
             empty where that is ``zh`` itself (no number or Latin word), so
             queries on it look in ``zh`` too (``MATCH_COLUMNS``)
* ``num``    the fact's figures as numbers: each value as written and in its
             base unit, with the unit (10.6亿元 → 10.6 1060000000 cny), its
             periods (2024 q1), and two marks nobody can type: ``.figure.``
             (the fact states a number) and ``.date.`` (it is dated)

Besides its columns, a row gives the words a query may be made of: the
English-script words of the fact (for typo correction) and the Chinese words
its text holds (for segmenting run-together Chinese queries: entity names and
the dictionary words of pypinyin found in the text). Each Chinese run of text
is read for words once per build.
"""

from __future__ import annotations

from functools import lru_cache

from .layout import MARKS, SEPARATOR
from .normalize import fold_text, han_class, is_han, stem, words
from .numbers import figure_tokens, period_tokens

HAS_FIGURE = MARKS["@figure"]
HAS_DATE = MARKS["@date"]


@lru_cache(maxsize=8192)
def _alternatives(char: str) -> tuple[str, ...]:
    from pypinyin import Style, pinyin

    readings = pinyin(char, style=Style.NORMAL, heteronym=True, errors="ignore")
    return tuple(r.replace("ü", "v") for r in (readings[0] if readings else []))


class _Reader:
    """pypinyin's reading of a run of Chinese characters (``lazy_pinyin`` with
    Style.NORMAL), without its per-character machinery: the same phrase
    segmentation and dictionaries, with each toned reading converted once.
    ``lazy_pinyin`` costs 12 µs a character; a book with few repeated runs
    of text would spend most of its build there."""

    def __init__(self):
        from pypinyin import Style
        from pypinyin.constants import PHRASES_DICT, PINYIN_DICT
        from pypinyin.converter import DefaultConverter
        from pypinyin.seg.mmseg import seg

        self.phrases = PHRASES_DICT
        self.singles = PINYIN_DICT
        self.cut = seg.cut
        converter, style = DefaultConverter(), Style.NORMAL
        self.normal_of: dict[str, str] = {}

        def normal(toned: str) -> str:
            converted = converter.convert_style("", toned, style=style, strict=True)
            self.normal_of[toned] = converted = converted.replace("ü", "v")
            return converted
        self.normal = normal

    def __call__(self, run: str) -> tuple[str, ...] | None:
        """The readings, or None when a character is not in the dictionary
        (``lazy_pinyin`` then decides)."""
        phrases, singles, normal_of = self.phrases, self.singles, self.normal_of
        toned: list[str] = []
        for word in self.cut(run):
            if word in phrases:
                toned.extend(readings[0] for readings in phrases[word])
            else:
                for char in word:
                    readings = singles.get(ord(char))
                    if readings is None:
                        return None
                    toned.append(readings.split(",", 1)[0])
        if len(toned) != len(run):
            return None
        out = tuple(normal_of.get(t) or self.normal(t) for t in toned)
        return out if all(out) else None


@lru_cache(maxsize=1)
def _reader() -> _Reader:
    return _Reader()


def _lazy_pinyin(run: str) -> tuple[str, ...]:
    from pypinyin import Style, lazy_pinyin

    readings = lazy_pinyin(run, style=Style.NORMAL, errors=lambda chars: ["?"] * len(chars))
    if len(readings) != len(run):  # never seen; keep the columns aligned regardless
        readings = [(lazy_pinyin(c, style=Style.NORMAL) or ["?"])[0] for c in run]
    return tuple(readings)  # Style.NORMAL already writes ü as v (lv), as the index does


def _run_pinyin(run: str) -> tuple[str, ...]:
    """One syllable per character of a run of Chinese characters, read as
    phrases (重庆 → chong qing)."""
    return _reader()(run) or _lazy_pinyin(run)


@lru_cache(maxsize=16384)
def _run_columns(run: str) -> tuple[str, str, str]:
    """(py, py_alt, ini) of one run of Chinese characters, as column text.
    Runs repeat (names, set phrases), so each is read once."""
    primary = _run_pinyin(run)
    alternative = []
    for char, reading in zip(run, primary):
        others = [r for r in _alternatives(char) if r != reading]
        alternative.append(others[0] if others else reading)
    initials = [reading[0] if reading and reading != "?" else "?" for reading in primary]
    return " ".join(primary), " ".join(alternative), " ".join(initials)


def pinyin_columns(folded: str) -> tuple[list[str], list[str], list[str]]:
    """(py, py_alt, ini) for the Chinese characters of folded text, in order.

    The k-th syllable belongs to the k-th Chinese character of the text, which
    is how matches on pinyin are highlighted later."""
    py, alt, ini = _pinyin_text(folded)
    return py.split(), alt.split(), ini.split()


#: Runs of Chinese characters longer than this are read in pieces of this
#: length: phrases are a few characters long, and pypinyin's segmenter slows
#: down more than linearly on a very long run (a hostile book's 1M
#: characters took 28 s whole).
LONGEST_RUN = 64


def _runs(folded: str):
    for run in _han_runs().findall(folded):
        if len(run) <= LONGEST_RUN:
            yield run
        else:
            for start in range(0, len(run), LONGEST_RUN):
                yield run[start:start + LONGEST_RUN]


def _pinyin_text(folded: str, runs: list[str] | None = None) -> tuple[str, str, str]:
    """``pinyin_columns`` as column text (``runs``: those of ``folded``, if
    the caller has them)."""
    # Runs of Chinese characters are read as phrases (重庆 → chong qing).
    columns = [_run_columns(run) for run in (_runs(folded) if runs is None else runs)]
    return (" ".join(c[0] for c in columns), " ".join(c[1] for c in columns),
            " ".join(c[2] for c in columns))


@lru_cache(maxsize=1)
def _han_runs():
    import re

    return re.compile(f"[{han_class()}]+")


#: Dictionary words of pypinyin looked for in the text: two to this many
#: characters (its longer phrases are idioms and names; the book's own names
#: come from its entities).
LONGEST_WORD = 6


@lru_cache(maxsize=1)
def _phrases() -> dict:
    from pypinyin.constants import PHRASES_DICT

    return PHRASES_DICT


@lru_cache(maxsize=16384)
def _run_words(run: str) -> frozenset[str]:
    """The dictionary words in one run of Chinese characters."""
    phrases = _phrases()
    return frozenset(run[i:j] for i in range(len(run) - 1)
                     for j in range(i + 2, min(len(run), i + LONGEST_WORD) + 1) if run[i:j] in phrases)


def _name_words(folded: str) -> set[str]:
    """The Chinese parts of a name (华为云(重庆)政务应用创新中心 → 华为云, 重庆,
    政务应用创新中心), each a word, and the dictionary words in them."""
    found: set[str] = set()
    for run in _runs(folded):
        if len(run) > 1:
            found.add(run)
        found |= _run_words(run)
    return found


def _num_column(fact: dict) -> str:
    """The ``num`` column: the figures' numbers and units, the periods, and
    the marks. Unit tokens are stemmed as English query words are."""
    parts: list[str] = []
    dated = bool(fact.get("period"))
    has_figure = False
    for figure in fact.get("figures") or ():
        tokens = [t if not t.isalpha() else stem(t) for t in figure_tokens(figure)]
        tokens += period_tokens(figure.get("period"))
        dated = dated or bool(figure.get("period"))
        if tokens:
            has_figure = True
            parts.append(" ".join(tokens))
    if fact.get("period"):
        parts.append(" ".join(period_tokens(fact["period"])))
    marks = [HAS_FIGURE] * has_figure + [HAS_DATE] * dated
    if marks:
        parts.append(" ".join(marks))
    return f" {SEPARATOR} ".join(parts)


def _chars(zh_words: list[str]) -> str:
    """The ``chars`` column: empty where it would repeat ``zh`` token for
    token (no number or Latin word in the text). Queries look for it in both
    columns (``MATCH_COLUMNS``) and ``full_row`` restores it."""
    if all(len(w) == 1 for w in zh_words):
        return ""
    return " ".join("".join(zh_words))


def _latin_words(texts: list[str]) -> set[str]:
    if all(map(str.isascii, texts)):
        return set(filter(str.isalpha, texts))
    return {w for w in texts if w.isascii() and w.isalpha()}


class Indexer:
    """Index rows for the facts of one book.

    The names of an entity are tokenised once, not once per fact that
    mentions it, and so is each list of entities that facts share: on a
    large book most of a fact's index row is names."""

    #: Lists of entities remembered at most; past that the memo starts over.
    NAME_LISTS = 4096
    #: Parts of a names column compared pairwise at most (the comparison
    #: costs the square of their number; beyond, only repeats are left out).
    COMPARED_PARTS = 64

    def __init__(self, entity_names: dict[str, list[str]]):
        self.entity_names = entity_names
        self._names: dict[str, tuple[list[str], set[str]]] = {}
        self._name_lists: dict[tuple[str, ...], tuple[str, frozenset[str]]] = {}
        #: Runs of Chinese text whose words a row has given already: each is
        #: given once, so the rows of a big book carry few words.
        self._runs_seen: set[str] = set()

    def _entity(self, entity_id: str) -> tuple[list[str], set[str]]:
        """The parts of the ``names`` column for one entity (each name in each
        of its forms), and the English-script words of its names."""
        if entity_id not in self._names:
            parts: list[str] = []
            vocabulary: set[str] = set()
            for name in self.entity_names.get(entity_id, []):
                folded = fold_text(name)
                name_words = words(folded)
                vocabulary |= _latin_words(name_words)
                parts.append(" ".join(map(stem, name_words)))
                if is_han(folded):
                    py, _alt, ini = _pinyin_text(folded)
                    parts += [py, ini]
                    vocabulary |= _name_words(folded)
            self._names[entity_id] = (parts, vocabulary)
        return self._names[entity_id]

    def _names_of(self, entity_ids: tuple[str, ...]) -> tuple[str, frozenset[str]]:
        """The ``names`` column and the words of the names of some entities.

        A part that another part holds as a phrase (重 庆 in 重 庆 市, c q
        in c q s, chongq in chongq municip) is left out, as are repeats: a
        phrase query finds it in the longer one all the same, and every token
        less is one the build need not insert."""
        found = self._name_lists.get(entity_ids)
        if found is None:
            if len(self._name_lists) >= self.NAME_LISTS:
                self._name_lists.clear()
            entities = [self._entity(e) for e in dict.fromkeys(entity_ids)]
            parts = list(dict.fromkeys(part for e_parts, _v in entities for part in e_parts if part))
            if len(parts) <= self.COMPARED_PARTS:
                padded = [f" {part} " for part in parts]
                kept = [part for part, inner in zip(parts, padded)
                        if not any(inner in outer and inner != outer for outer in padded)]
            else:
                kept = parts
            found = self._name_lists[entity_ids] = (
                f" {SEPARATOR} ".join(kept),
                frozenset().union(*(v for _p, v in entities)),
            )
        return found

    def _chinese_words(self, runs: list[str]) -> set[str]:
        """The dictionary words of the runs not read before. (The text's
        runs only: the quote is the article's sentence, whose words other
        facts' texts say.)"""
        found: set[str] = set()
        seen = self._runs_seen
        for run in runs:
            if run not in seen:
                seen.add(run)
                found |= _run_words(run)
        return found

    def row(self, fact: dict) -> tuple[dict[str, str], set[str]]:
        """The index row of one fact (a dict in the shape of facts.yaml), and
        the words a query may be made of: English-script words (a typo may be
        corrected to them) and Chinese words (see the module's docstring)."""
        zh = fold_text(fact["text"]["zh"])
        quote = fold_text(fact["quote"])
        zh_words = words(zh)
        en_words = words(fold_text(fact["text"]["en"]))
        runs = list(_runs(zh))
        py, py_alt, ini = _pinyin_text(zh, runs)
        names, name_words = self._names_of(tuple(fact.get("entities") or ()))
        return {
            "zh": " ".join(zh_words),
            "quote": " ".join(words(quote)),
            "en": " ".join(map(stem, en_words)),
            "names": names,
            "py": py,
            "py_alt": py_alt,
            "ini": ini,
            "chars": _chars(zh_words),
            "num": _num_column(fact),
        }, _latin_words(en_words) | name_words | self._chinese_words(runs)
