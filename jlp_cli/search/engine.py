"""Run a parsed query against a store's FTS5 index and rank the results.

Best match, never all-or-nothing: a fact that matches every word of the
query ranks first; after those come the facts that match some of the words,
the ones that match the most important words (the rarest in the book) first.
``strict`` (the CLI's ``--all``) keeps only the facts that match every word.

SQLite finds the candidates and orders them by BM25 (column weights in
``layout``); they are re-ranked here on what BM25 cannot see:

* ``match``: which words of the query the fact matches, each weighted by its
  rarity in the book (inverse document frequency), and how good a form
  matched (the fact's own text beats a linked entity's name, the common
  reading of a character beats a rare one, the word typed beats a synonym,
  a typo correction or a prefix);
* ``bm25``: BM25 relative to the best candidate, so that it weighs the same
  whether the query's words are rare or in every fact (九龙坡);
* ``phrase``: words typed together found together (民主村社区火锅店, red brick
  buildings), or the whole query as one phrase;
* ``entity``: the query is the name of an entity of the fact, more so when
  the fact's text says it;
* ``early``: a match early in the fact;
* ``question``: the fact says what a question phrase asks for (how big: an
  area; 多少: a number), which never decides whether a fact matches.

Each result keeps what matched where, for highlighting and ``--explain``, and
which query words it leaves unmatched. All of this is done for the
candidates only: never per fact of the book.
"""

from __future__ import annotations

import math

from ..records import Record
from .layout import POSITIONAL, QUALITY, SEPARATOR, full_row
from .normalize import char_tokens, fold, fold_text, stem, tokenize
from .query import Form, Lexicon, Query, parse

#: How sure we are that a kind of form is what the user meant (how much a
#: match in each column says about the fact is the layout's ``QUALITY``).
KIND_QUALITY = {"synonym": 0.75, "question": 0.75, "typo": 0.6, "initials": 0.8, "family": 0.8, "prefix": 0.7,
                "numeral": 0.9, "mark": 0.75}
MATCH_WEIGHT = 10.0
BM25_WEIGHT = 4.0
PHRASE_BOOST = 3.0
ENTITY_BOOST = 3.0  # the query names an entity that the fact's text names
LINKED_BOOST = 1.0  # the query names an entity the fact is only linked to
EARLY_BOOST = 1.0
QUESTION_BOOST = 2.0  # the fact says what the query's question asks for
#: Facts a word is counted in, at most, to weigh it: beyond this many it is
#: common, and counting on would cost a big book time for nothing.
DF_CAP = 5000


#: A match in part of a name (city of Chongqing City) says less than a
#: whole name: the fact names Chongqing, not a city.
NAME_PART = 0.55
#: A fact matches a word of the query when a form of the word is found with
#: at least this quality: in the fact's own text, its pinyin or numbers, or
#: as a whole name of an entity it names; not by a rare reading of a
#: character, a part of a name or a fragment of a number alone.
FOUND = 0.5
#: Below this a form's match is no answer at all: a rare reading of a
#: character alone, a guess (a typo's correction, a prefix) met only inside
#: a longer name. (A word of a name, Sinosynergy of Sinosynergy Power, is an
#: answer; so is a fragment of a number typed as cut from the text, 6亿 of
#: 10.6亿.)
AT_ALL = 0.2


class Match(Record):
    __slots__ = ("form", "column", "piece", "share")

    def __init__(self, form: Form, column: str, piece: str = "", share: float = 1.0):
        self.form = form
        self.column = column
        self.piece = piece  # the part of the query that the form came from
        self.share = share  # NAME_PART for a part of a name

    @property
    def quality(self) -> float:
        return QUALITY[self.column] * KIND_QUALITY.get(self.form.kind, 1.0) * self.share


class Hit(Record):
    __slots__ = ("fact", "score", "parts", "matches", "columns", "unmatched", "coverage", "best")

    def __init__(self, fact: dict, score: float, parts: dict[str, float], matches: list[Match],
                 columns: dict[str, list[str]], unmatched: tuple[str, ...] = ()):
        self.fact = fact
        self.score = score
        self.parts = parts
        self.matches = matches
        self.columns = columns  # the fact's index tokens, in the columns the query reads
        self.unmatched = unmatched  # the query's words this fact does not match
        self.coverage = 1.0  # how well it matches the query's words, 0–1 (see _rank)
        self.best = 1.0  # the quality of its best match of a required word

    @property
    def complete(self) -> bool:
        return not self.unmatched

    def explain(self) -> dict:
        return {
            "score_parts": {k: round(v, 3) for k, v in self.parts.items()},
            "matches": [
                {"column": m.column, "form": m.form.kind, "tokens": " ".join(m.form.tokens)
                 + ("*" if m.form.prefix else ""), "note": m.form.note or None, "piece": m.piece,
                 "quality": round(m.quality, 3)}
                for m in self.matches
            ],
            "unmatched": list(self.unmatched),
        }


def _whole_name(names: list[str], needle: tuple[str, ...], prefix: bool) -> bool:
    """Whether ``needle`` is one whole part of the names column (a name,
    from separator to separator) somewhere."""
    size = len(needle)
    start = 0
    for end in [i for i, token in enumerate(names) if token == SEPARATOR] + [len(names)]:
        if end - start == size and _contains(names[start:end], needle, prefix) == 0:
            return True
        start = end + 1
    return False


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


class StoreLexicon(Lexicon):
    """What the book knows, read from its store (``query.Lexicon``)."""

    def __init__(self, store):
        self.store = store

    def known(self, candidates: set[str]) -> set[str]:
        return self.store.known_words(candidates)

    def concepts(self, keys: set[str]) -> dict[str, list[tuple[str, str, str, bool]]]:
        return self.store.concepts(keys)

    def found(self, form: Form) -> bool:
        return self.store.matches_any(form.fts())

    def similar(self, word: str, distance: int) -> list[str]:
        from rapidfuzz import process
        from rapidfuzz.distance import OSA

        choices = self.store.words_between(len(word) - distance, len(word) + distance)
        found = process.extract(word, choices, scorer=OSA.distance, score_cutoff=distance, limit=5)
        return [choice for choice, _score, _index in sorted(found, key=lambda f: (f[1], f[0]))]

    def starting(self, prefix: str) -> list[str]:
        return self.store.words_starting(prefix)


def compile_query(store, text: str) -> Query:
    return parse(text, StoreLexicon(store))


#: A limit beyond this means "all" (and keeps SQLite's LIMIT in range).
MAX_LIMIT = 1_000_000


class Found(Record):
    """The hits of a search, best first, and what a person may want to know
    about them: the query's words and whether any fact matches all of them."""

    __slots__ = ("hits", "query", "words", "complete", "store", "filters", "strict")

    def __init__(self, hits: list[Hit], query: Query, store=None, filters=None, strict: bool = False):
        self.hits = hits
        self.query = query
        self.words = tuple(query.pieces[i].text for i in query.required)
        self.complete = bool(hits) and hits[0].complete
        self.store = store
        self.filters = filters or {}
        self.strict = strict

    def total(self) -> int:
        """How many facts the search finds with no limit."""
        strict = self.strict or len(self.query.required) < 2
        match = self.query.fts(strict=True) if strict else _loose(self.query)
        return self.store.count(match, MAX_LIMIT, **self.filters)


def search(store, text: str, limit: int | None = 20, strict: bool = False, **filters) -> list[Hit]:
    """Ranked hits for ``text``, best first (an empty list when none match)."""
    return find(store, text, limit, strict, **filters).hits


def _loose(query: Query) -> str:
    """Any word of the query (but the question words, which only rank)."""
    return " OR ".join(query.piece_fts(i) for i in query.required)


def find(store, text: str, limit: int | None = 20, strict: bool = False, **filters) -> Found:
    """``search``, with what the CLI says about the hits."""
    query = compile_query(store, text)
    if limit is not None and limit > MAX_LIMIT:
        limit = None
    candidates = max(limit * 5, 50) if limit else None
    several = len(query.required) > 1
    ranked: dict[int, float] = {}
    if strict or not several or candidates is not None:
        typed = _as_typed(query) if candidates is not None else None
        found = store.ranked(typed, candidates, **filters) if typed else []
        if len(found) < (candidates or 1):
            found = store.ranked(query.fts(strict=True), candidates, **filters)
        ranked.update(found)
    if several and not strict and (candidates is None or len(ranked) < limit):
        # Facts that match some of the words, ranked by the same BM25.
        ranked.update(store.ranked(_loose(query), candidates, **filters))
    if not ranked:
        return Found([], query, store, filters, strict)
    rowids = list(ranked)
    facts = store.facts_by_rowids(rowids)
    columns = {rowid: full_row(row) for rowid, row in store.index_rows(rowids, _columns_read(query)).items()}
    named = _named_entities(store, query)
    weights = _weights(store, query) if several else {}
    best = max(-rank for rank in ranked.values())
    hits = [_rank(query, facts[rowid], -rank / best if best > 0 else 0.0, columns[rowid], named, weights)
            for rowid, rank in ranked.items()]
    # BM25 counts every form alike: a fact found only through weaker forms
    # than the best one's (synonyms where another says the word typed) has
    # its BM25 count for as much as they are worth.
    best_coverage = max(hit.coverage for hit in hits)
    for hit in hits:
        if best_coverage > 0:
            hit.parts["bm25"] *= min(1.0, hit.coverage / best_coverage)
        hit.score = round(sum(hit.parts.values()), 4)
    if query.required:
        # A fact that matches none of the words at all is no answer, unless
        # it is about an entity the query names.
        hits = [hit for hit in hits if hit.best >= AT_ALL or hit.parts["entity"] > 0]
    hits.sort(key=lambda h: (not h.complete, -h.score, h.fact["id"]))
    return Found(hits[:limit] if limit else hits, query, store, filters, strict)


#: Forms that find what the word typed does not: a synonym, a typo, a prefix,
#: a word of its family, a number written another way.
OTHER_WAYS = frozenset({"synonym", "question", "mark", "typo", "family", "prefix", "numeral"})


def _as_typed(query: Query) -> str | None:
    """For a page of results of a one-word query, the FTS5 expression of
    the word as typed, without its other ways (synonyms, a prefix, …): when
    it fills the candidates by itself, the other ways would only find facts
    ranked below these, and each costs a big book a scan of its index.
    (Ranking still sees them in the candidates.) None when there is nothing
    to leave out."""
    if len(query.required) != 1:
        return None
    forms = query.forms_of(query.required[0])
    own = [form for form in forms if form.kind not in OTHER_WAYS]
    if not own or len(own) == len(forms):
        return None
    return " OR ".join(form.fts() for form in dict.fromkeys(own))


def _weights(store, query: Query) -> dict[int, float]:
    """Each required piece's weight: how rare it is in the book (BM25's
    inverse document frequency); 0 for a word no fact has."""
    total = max(1, store.fact_count())
    weights = {}
    for index in query.required:
        df = store.count(query.piece_fts(index), DF_CAP)
        weights[index] = math.log(1 + (total - df + 0.5) / (df + 0.5)) if df else 0.0
    return weights


def _columns_read(query: Query) -> tuple[str, ...]:
    """The index columns that ranking looks at: those the query's forms match
    in, and the text's own (phrase, entity). A Chinese query never reads the
    pinyin columns, nor makes their token lists."""
    read = {"zh": None, "en": None}
    for form in query.all_forms():
        read.update(dict.fromkeys(form.columns))
    return tuple(read)


def _named_entities(store, query: Query) -> dict[str, list[tuple[str, ...]]]:
    """Entities the query names (the whole query, or its words without the
    question words), each with the words of every name it has, to tell a fact
    whose text names it from one only linked. (Their stems are made only if
    the Chinese text does not say it: a Chinese query then never loads the
    stemmer.)"""
    named = {}
    asked = [query.raw]
    words = " ".join(piece.text for piece in query.pieces if not piece.optional)
    if words and words != query.folded:
        asked.append(words)
    for text in asked:
        for entity_id in store.entities_named(text):
            if entity_id in named:
                continue
            entity = store.entity(entity_id) or {}
            names = [entity.get("name", {}).get("zh", ""), entity.get("name", {}).get("en", ""),
                     *entity.get("aliases", [])]
            forms = []
            for name in names:
                name_words = tuple(t.text for t in tokenize(fold_text(name)))
                if name_words:
                    forms.append(name_words)
            named[entity_id] = forms
    return named


def _rank(query: Query, fact: dict, bm25: float, columns: dict[str, str], named: dict,
          weights: dict[int, float]) -> Hit:
    tokens = {name: value.split() for name, value in columns.items()}
    matches: list[Match] = []
    early = 0.0
    seen: dict[int, float] = {}  # by id(): a span's form is one object for every piece it covers

    def match(form: Form, piece: str) -> float:
        nonlocal early
        known = seen.get(id(form))
        if known is not None:
            return known
        best = 0.0
        for column in form.columns:
            position = _contains(tokens[column], form.tokens, form.prefix)
            if position < 0:
                continue
            share = 1.0
            if column == "names" and not _whole_name(tokens[column], form.tokens, form.prefix):
                share = NAME_PART
            found = Match(form, column, piece, share)
            matches.append(found)
            best = max(best, found.quality)
            if column in POSITIONAL and tokens[column]:
                early = max(early, EARLY_BOOST * (1 - position / len(tokens[column])))
        seen[id(form)] = best
        return best

    # Each piece is as good as its best form (its own or a span's).
    quality = {index: max([match(form, piece.text) for form in query.forms_of(index)], default=0.0)
               for index, piece in enumerate(query.pieces)}
    # Words typed in a row that are a name together (minzhu village: an
    # alias of Minzhucun Community) match as a name, not as parts of one.
    names = tokens.get("names")
    if names:
        for run in query.runs:
            for first in range(len(run) - 1):
                for last in range(len(run) - 1, first, -1):
                    words = tuple(t for i in run[first:last + 1] for t in query.pieces[i].forms[0].tokens)
                    if _contains(names, words, False) >= 0:
                        for i in run[first:last + 1]:
                            quality[i] = max(quality[i], QUALITY["names"])
                        break
    required = query.required
    unmatched = tuple(query.pieces[i].text for i in required if quality[i] < FOUND)
    known = [i for i in required if weights.get(i, 1.0) > 0] or required
    total = sum(weights.get(i, 1.0) for i in known)
    coverage = sum(weights.get(i, 1.0) * quality[i] for i in known) / total if total else 0.0
    optional = [i for i in range(len(query.pieces)) if i not in required]

    parts = {"match": MATCH_WEIGHT * coverage, "bm25": BM25_WEIGHT * bm25, "phrase": 0.0,
             "entity": 0.0, "early": early}
    if optional:
        parts["question"] = QUESTION_BOOST * max(quality[i] for i in optional)
    if len(query.pieces) > 1 or query.spans:
        whole = tuple(t.text for t in tokenize(query.folded))
        for phrase in [whole, *query.phrases]:
            if len(phrase) < 2 and phrase is not whole:
                continue
            if (_contains(tokens["zh"], phrase, False) >= 0
                    or _contains(tokens["en"], tuple(stem(t) for t in phrase), False) >= 0):
                parts["phrase"] = PHRASE_BOOST
                break
        else:
            # Pinyin typed with spaces found as one word (qing neng → 氢能).
            if any(form.kind == "pinyin" and seen.get(id(form), 0.0) >= QUALITY["py"] for form in query.whole):
                parts["phrase"] = PHRASE_BOOST
    linked = [entity_id for entity_id in named if entity_id in fact["entities"]]
    if linked:
        names = [words for entity_id in linked for words in named[entity_id]]
        says_it = (any(_contains(tokens["zh"], words, False) >= 0 for words in names)
                   or any(_contains(tokens["en"], tuple(stem(w) for w in words), False) >= 0 for words in names))
        parts["entity"] = ENTITY_BOOST if says_it else LINKED_BOOST
    hit = Hit(fact=fact, score=0.0, parts=parts, matches=matches, columns=tokens, unmatched=unmatched)
    hit.coverage = coverage
    hit.best = max((quality[i] for i in required), default=1.0)
    return hit


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

    # Per word of the query, its best forms only: revenue, not also the
    # operating revenue that the concept table adds.
    columns = ("zh", "quote", "chars", "py", "py_alt", "ini") if field == "zh" else ("en",)
    shown = [m for m in hit.matches if m.column in columns]
    best: dict[str, float] = {}
    for match in shown:
        best[match.piece] = max(best.get(match.piece, 0.0), match.quality)
    for match in shown:
        if match.quality < best[match.piece] - 1e-9:
            continue
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
