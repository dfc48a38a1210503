"""Run a parsed query against a store's FTS5 index and rank the results.

SQLite finds the matching facts and orders them by BM25 (column weights
below), which picks the candidates; they are re-ranked here on what BM25
cannot see:

* ``match``: how good a form matched, piece by piece (the fact's own text
  beats a linked entity's name, the common reading of a character beats a
  rare one, the word typed beats a synonym or a typo correction);
* ``bm25``: BM25 relative to the best candidate, so that it weighs the same
  whether the query's words are rare or in every fact (九龙坡);
* ``phrase``: the whole query as one phrase;
* ``entity``: the query is the name of an entity of the fact, more so when
  the fact's text says it;
* ``early``: a match early in the fact.

Each result keeps what matched where, for highlighting and ``--explain``.
All of this is done for the candidates only: never per fact of the book.
"""

from __future__ import annotations

from ..records import Record
from .layout import POSITIONAL, QUALITY, full_row
from .normalize import char_tokens, fold, fold_text, stem, tokenize
from .query import Form, Query, parse

#: How sure we are that a kind of form is what the user meant (how much a
#: match in each column says about the fact is the layout's ``QUALITY``).
KIND_QUALITY = {"synonym": 0.75, "typo": 0.6, "initials": 0.8}
MATCH_WEIGHT = 10.0
BM25_WEIGHT = 4.0
PHRASE_BOOST = 3.0
ENTITY_BOOST = 3.0  # the query names an entity that the fact's text names
LINKED_BOOST = 1.0  # the query names an entity the fact is only linked to
EARLY_BOOST = 1.0


class Match(Record):
    __slots__ = ("form", "column", "piece")

    def __init__(self, form: Form, column: str, piece: str = ""):
        self.form = form
        self.column = column
        self.piece = piece  # the part of the query that the form came from

    @property
    def quality(self) -> float:
        return QUALITY[self.column] * KIND_QUALITY.get(self.form.kind, 1.0)


class Hit(Record):
    __slots__ = ("fact", "score", "parts", "matches", "columns")

    def __init__(self, fact: dict, score: float, parts: dict[str, float], matches: list[Match],
                 columns: dict[str, list[str]]):
        self.fact = fact
        self.score = score
        self.parts = parts
        self.matches = matches
        self.columns = columns  # the fact's index tokens, in the columns the query reads

    def explain(self) -> dict:
        return {
            "score_parts": {k: round(v, 3) for k, v in self.parts.items()},
            "matches": [
                {"column": m.column, "form": m.form.kind, "tokens": " ".join(m.form.tokens)
                 + ("*" if m.form.prefix else ""), "note": m.form.note or None, "piece": m.piece,
                 "quality": round(m.quality, 3)}
                for m in self.matches
            ],
        }


def _contains(haystack: list[str], needle: tuple[str, ...], prefix: bool) -> int:
    """Position of the first occurrence of ``needle`` in ``haystack``, or -1;
    with ``prefix`` its last token may be the start of a token.

    Candidate positions are found with list.index (C speed): the token lists
    of a big book's candidates run to hundreds of tokens (names), and this is
    called for every form, column and candidate."""
    size = len(needle)
    if not size:
        return -1
    last = needle[-1]
    if size == 1 and not prefix:
        try:
            return haystack.index(last)
        except ValueError:
            return -1
    if size == 1:
        for position, token in enumerate(haystack):
            if token.startswith(last):
                return position
        return -1
    first, middle = needle[0], list(needle[1:-1])
    end = len(haystack) - size + 1  # the last possible start, plus one
    if end <= 0:  # (a negative end would count from the back)
        return -1
    start = 0
    while True:
        try:
            start = haystack.index(first, start, end)
        except ValueError:
            return -1
        token = haystack[start + size - 1]
        if (token == last or (prefix and token.startswith(last))) and haystack[start + 1 : start + size - 1] == middle:
            return start
        start += 1


def _similar_words(store):
    def similar(word: str, distance: int) -> list[str]:
        from rapidfuzz import process
        from rapidfuzz.distance import Levenshtein

        choices = store.words_between(len(word) - distance, len(word) + distance)
        found = process.extract(word, choices, scorer=Levenshtein.distance,
                                score_cutoff=distance, limit=5)
        return [choice for choice, _score, _index in sorted(found, key=lambda f: (f[1], f[0]))]
    return similar


def compile_query(store, text: str) -> Query:
    return parse(text, store.has_word, _similar_words(store), lambda form: store.matches_any(form.fts()))


#: A limit beyond this means "all" (and keeps SQLite's LIMIT in range).
MAX_LIMIT = 1_000_000


def search(store, text: str, limit: int | None = 20, **filters) -> list[Hit]:
    """Ranked hits for ``text``, best first (an empty list when none match)."""
    query = compile_query(store, text)
    if limit is not None and limit > MAX_LIMIT:
        limit = None
    candidates = max(limit * 5, 50) if limit else None
    ranked = store.ranked(query.fts(), candidates, **filters)
    if not ranked:
        return []
    rowids = [rowid for rowid, _rank in ranked]
    facts = store.facts_by_rowids(rowids)
    columns = {rowid: full_row(row) for rowid, row in store.index_rows(rowids, _columns_read(query)).items()}
    named = _named_entities(store, query)
    best = max(-rank for _rowid, rank in ranked)
    hits = [_rank(query, facts[rowid], -rank / best if best > 0 else 0.0, columns[rowid], named)
            for rowid, rank in ranked]
    hits.sort(key=lambda h: (-h.score, h.fact["id"]))
    return hits[:limit] if limit else hits


def _columns_read(query: Query) -> tuple[str, ...]:
    """The index columns that ranking looks at: those the query's forms match
    in, and the text's own (phrase, entity). A Chinese query never reads the
    pinyin columns, nor makes their token lists."""
    read = {"zh": None, "en": None}
    for form in query.all_forms():
        read.update(dict.fromkeys(form.columns))
    return tuple(read)


def _named_entities(store, query: Query) -> dict[str, list[tuple[str, ...]]]:
    """Entities the whole query names, each with the words of every name it
    has, to tell a fact whose text names it from one only linked. (Their
    stems are made only if the Chinese text does not say it: a Chinese query
    then never loads the stemmer.)"""
    named = {}
    for entity_id in store.entities_named(query.raw):
        entity = store.entity(entity_id) or {}
        names = [entity.get("name", {}).get("zh", ""), entity.get("name", {}).get("en", ""),
                 *entity.get("aliases", [])]
        forms = []
        for name in names:
            words = tuple(t.text for t in tokenize(fold_text(name)))
            if words:
                forms.append(words)
        named[entity_id] = forms
    return named


def _rank(query: Query, fact: dict, bm25: float, columns: dict[str, str], named: dict) -> Hit:
    tokens = {name: value.split() for name, value in columns.items()}
    matches: list[Match] = []
    early = 0.0

    def match(form: Form, piece: str) -> float:
        nonlocal early
        best = 0.0
        for column in form.columns:
            position = _contains(tokens[column], form.tokens, form.prefix)
            if position < 0:
                continue
            found = Match(form, column, piece)
            matches.append(found)
            best = max(best, found.quality)
            if column in POSITIONAL and tokens[column]:
                early = max(early, EARLY_BOOST * (1 - position / len(tokens[column])))
        return best

    # Every piece must match; a piece is as good as its best form.
    piece_quality = [max([match(form, piece.text) for form in piece.forms], default=0.0)
                     for piece in query.pieces]
    quality = sum(piece_quality) / len(piece_quality) if piece_quality else 0.0
    # ... or the query matched as a whole (qing neng → qingneng, hot pot → 火锅).
    whole_quality = max([match(form, query.folded) for form in query.whole], default=0.0)
    quality = max(quality, whole_quality)

    parts = {"match": MATCH_WEIGHT * quality, "bm25": BM25_WEIGHT * bm25, "phrase": 0.0,
             "entity": 0.0, "early": early}
    if len(query.pieces) > 1 or query.whole:
        whole_zh = tuple(t.text for t in tokenize(query.folded))
        whole_en = tuple(stem(t) for t in whole_zh)
        if (_contains(tokens["zh"], whole_zh, False) >= 0 or _contains(tokens["en"], whole_en, False) >= 0
                or whole_quality >= QUALITY["py"]):
            parts["phrase"] = PHRASE_BOOST
    linked = [entity_id for entity_id in named if entity_id in fact["entities"]]
    if linked:
        names = [words for entity_id in linked for words in named[entity_id]]
        says_it = (any(_contains(tokens["zh"], words, False) >= 0 for words in names)
                   or any(_contains(tokens["en"], tuple(stem(w) for w in words), False) >= 0 for words in names))
        parts["entity"] = ENTITY_BOOST if says_it else LINKED_BOOST
    score = round(sum(parts.values()), 4)
    return Hit(fact=fact, score=score, parts=parts, matches=matches, columns=tokens)


def highlight_spans(hit: Hit, field: str) -> list[tuple[int, int]]:
    """Character spans of ``fact.text[field]`` ('zh' or 'en') that matched."""
    text = hit.fact["text"][field]
    folded, origin = fold(text)
    tokens = tokenize(folded)
    spans: list[tuple[int, int]] = []

    def add(sequence):
        def callback(first: int, count: int):
            for token in sequence[first : first + count]:
                spans.append((origin[token.start], origin[token.end - 1] + 1))
        return callback

    for match in hit.matches:
        form = match.form
        if field == "zh" and match.column in ("zh", "quote"):
            _each([t.text for t in tokens], form, add(tokens))
        elif field == "zh" and match.column == "chars":
            chars = char_tokens(folded)
            _each([t.text for t in chars], form, add(chars))
        elif field == "zh" and match.column in ("py", "py_alt", "ini"):
            # The k-th syllable is the k-th Chinese character.
            han = [t for t in tokens if t.is_han]
            _each(hit.columns.get(match.column, []), form, add(han))
        elif field == "en" and match.column == "en":
            _each([stem(t.text) for t in tokens], form, add(tokens))
    return _merge(spans)


def _each(haystack: list[str], form: Form, callback) -> None:
    start = 0
    while start < len(haystack):
        position = _contains(haystack[start:], form.tokens, form.prefix)
        if position < 0:
            return
        callback(start + position, len(form.tokens))
        start += position + 1


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(end, merged[-1][1]))
        else:
            merged.append((start, end))
    return merged
