"""Parse a query into the words it looks for, and each word into its forms.

A query is split into words: at spaces and punctuation, and, for Chinese
typed without spaces, where the book's words are (``segment``: 氢能产业营收多少
is 氢能产业 · 营收 · 多少). Question and filler words (how, the, 什么, 哪些)
are dropped (``stopwords``), unless nothing else is left. Each remaining
word is a ``Piece``; a fact matches a piece when any of the piece's forms
is found in it:

* Chinese as a phrase of characters (民主村), in the text, the quote and the
  names of the fact's entities;
* English words, stemmed (renewal → renew), in the English text and names;
  their word family in the book (finance ↔ financial, new ↔ newly);
* numbers whole, however written: 三十二点五, thirty-two point five and 32.5
  are one number; 十点六亿 is 10.6亿, 1.06 billion and 1060000000 (the
  figures' base values are indexed); a number typed alone never matches a
  part of another (6 is not the 6 of 10.6);
* pinyin, segmented into syllables (qingneng → qing neng), with tones, tone
  digits, ü as v; alternative readings in a column of their own; initials
  when the letters are no pinyin (jlp → j l p);
* the concept table (``concepts``: aluminum ↔ aluminium ↔ 铝, 外企 → 外资企业,
  how big → km²), looked up for single words and for runs of up to four;
* typos: a word the book does not have, within one edit (two from eight
  letters) of one it has, a swap of two letters counting as one edit (from
  four letters, only swaps), for English words, inflected forms
  (parkign → parking → park) and pinyin (tusihui → tuishui);
* the last word, if the query does not end with a space, also as the start
  of a word (hydr → hydrogen, qin → qing), ranked below whole words.

Forms that stand for several pieces at once (``Query.spans``) are the
concepts of several words (internet of things → 物联网), pinyin typed with
spaces (qing neng → qingneng) and a run of Chinese typed without spaces as
one phrase (民主村社区火锅店), which ranks the whole phrase above its parts.

Nothing here touches the database except through a ``Lexicon`` (what the
book knows), so parsing is testable alone.
"""

from __future__ import annotations

import re
import unicodedata

from ..errors import UsageError
from ..records import Record
from .layout import FORM_COLUMNS, MATCH_COLUMNS
from .normalize import Token, char_tokens, fold_text, is_han_char, stem, tokenize
from .stopwords import STOP_EN, STOP_PINYIN, STOP_ZH

MAX_QUERY_CHARS = 500
MAX_PIECES = 16
#: Concepts of several words are looked up for runs of at most this many.
LONGEST_CONCEPT = 4
#: Book lookups made to split an unknown run of Chinese, at most.
ORACLE_CALLS = 24

#: Columns each kind of form is matched in (the layout's).
CHINESE = FORM_COLUMNS["chinese"]
ENGLISH = FORM_COLUMNS["english"]
LATIN = FORM_COLUMNS["latin"]
NUMBER = FORM_COLUMNS["number"]
PINYIN = FORM_COLUMNS["pinyin"]
PINYIN_ALT = FORM_COLUMNS["pinyin-alt"]
INITIALS_COLUMNS = FORM_COLUMNS["initials"]
CHARS = FORM_COLUMNS["partial"]
MARK = FORM_COLUMNS["mark"]
#: English forms without the num column (a prefix, a typo: words, no units).
WORDS = tuple(c for c in ENGLISH if c != "num")
#: A letter alone is no name: in ``names`` it would only meet the initials
#: of every name (c of c q s, 重庆市), so it is looked for in the text and
#: the figures (q of 2024 q1) only.
LETTER = tuple(c for c in ENGLISH if c != "names")



class Lexicon:
    """What parsing asks of the book. This one knows nothing (parsing a
    query alone, in tests); the engine's reads the store."""

    def known(self, candidates: set[str]) -> set[str]:
        """The candidates that are words of the book or concept keys."""
        return set()

    def concepts(self, keys: set[str]) -> dict[str, list[tuple[str, str, str, bool]]]:
        """The concept table's terms for each key: (term, its index tokens,
        its script: zh, en or mark, whether the key asks a question)."""
        return {}

    def found(self, form: "Form") -> bool:
        """Whether ``form`` matches any fact."""
        return False

    def similar(self, word: str, distance: int) -> list[str]:
        """The book's words within ``distance`` edits (a swap is one) of ``word``."""
        return []

    def starting(self, prefix: str) -> list[str]:
        """The book's English-script words that start with ``prefix``."""
        return []


class Form(Record):
    """One way a piece of the query can match: tokens in some columns."""

    __slots__ = ("kind", "columns", "tokens", "prefix", "note")

    def __init__(self, kind: str, columns: tuple[str, ...], tokens: tuple[str, ...], prefix: bool = False,
                 note: str = ""):
        # chinese, english, latin, number, numeral, partial, pinyin, pinyin-alt, initials, synonym, typo,
        # family, prefix, mark
        self.kind = kind
        self.columns = columns
        self.tokens = tokens
        self.prefix = prefix  # the last token is a prefix
        self.note = note  # for --explain: the synonym, the corrected word

    def fts(self) -> str:
        phrase = '"' + " ".join(self.tokens).replace('"', '""') + '"'
        columns = dict.fromkeys(c for column in self.columns for c in MATCH_COLUMNS.get(column, (column,)))
        return "{" + " ".join(columns) + "} : " + phrase + ("*" if self.prefix else "")

    def label(self) -> str:
        return f"{self.kind} ({self.note})" if self.note else self.kind


class Piece(Record):
    """A word of the query and the forms it may take. An ``optional`` piece
    (a question: how big, 多少) helps to rank but is not needed for a fact
    to match every word."""

    __slots__ = ("text", "forms", "optional")

    def __init__(self, text: str, forms: list[Form], optional: bool = False):
        self.text = text  # as the user typed it (folded)
        self.forms = forms
        self.optional = optional


class Span(Record):
    """A form that stands for several pieces at once."""

    __slots__ = ("form", "covers")

    def __init__(self, form: Form, covers: tuple[int, ...]):
        self.form = form
        self.covers = covers  # indexes of the pieces


class Query(Record):
    __slots__ = ("raw", "folded", "pieces", "spans", "phrases", "runs")

    def __init__(self, raw: str, folded: str, pieces: list[Piece], spans: list[Span],
                 phrases: list[tuple[str, ...]] = (), runs: list[tuple[int, ...]] = ()):
        self.raw = raw
        self.folded = folded
        self.pieces = pieces
        self.spans = spans
        self.phrases = list(phrases)  # the tokens of words typed one after another, for the phrase boost
        self.runs = list(runs)  # the same as piece indexes: words that may be a name together

    @property
    def whole(self) -> list[Form]:
        """The forms that stand for every piece at once."""
        every = tuple(range(len(self.pieces)))
        return [span.form for span in self.spans if span.covers == every]

    def forms_of(self, index: int) -> list[Form]:
        """Every form that matches piece ``index``: its own and the spans'."""
        return self.pieces[index].forms + [s.form for s in self.spans if index in s.covers]

    def piece_fts(self, index: int) -> str:
        return "(" + " OR ".join(form.fts() for form in dict.fromkeys(self.forms_of(index))) + ")"

    def fts(self, strict: bool = True) -> str:
        """The FTS5 expression of the query: with ``strict``, every piece
        (but the optional ones) must match; else any form of any piece may."""
        if not strict:
            return " OR ".join(form.fts() for form in dict.fromkeys(self.all_forms()))
        required = [i for i, piece in enumerate(self.pieces) if not piece.optional] or range(len(self.pieces))
        return " AND ".join(self.piece_fts(i) for i in required)

    def all_forms(self) -> list[Form]:
        return [form for piece in self.pieces for form in piece.forms] + [span.form for span in self.spans]

    @property
    def required(self) -> list[int]:
        return [i for i, piece in enumerate(self.pieces) if not piece.optional]


def _without_thousands_separators(text: str) -> str:
    """1,060,000,000 → 1060000000 (commas between groups of three digits,
    full-width ones too)."""
    if ("," not in text and "，" not in text) or not any(c.isdigit() for c in text):
        return text
    import re

    return re.sub(r"(?<=\d)[,，](?=\d{3}(?!\d))", "", text)


def clean(raw: str) -> str:
    """Lone surrogates (from a terminal in the wrong encoding) become U+FFFD."""
    return raw.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


# -- pinyin ---------------------------------------------------------------------------

def segmentations(letters: str, allow_prefix: bool, limit: int = 4) -> list[list[str]]:
    """Every way to split ``letters`` into the fewest pinyin syllables (at
    most ``limit``): xingao is xin gao or xing ao, and only the book knows
    which.

    With ``allow_prefix`` the last part may be the start of a syllable when at
    least one whole syllable precedes it (chongq → chong, q)."""
    if not letters or not letters.isascii() or not letters.isalpha():
        return []
    from .syllables import LONGEST, SYLLABLES, TEXT  # only Latin queries need them

    n = len(letters)
    best: dict[int, list[list[str]]] = {n: [[]]}
    for start in range(n - 1, -1, -1):
        options: list[list[str]] = []
        for end in range(min(n, start + LONGEST), start, -1):
            part = letters[start:end]
            if part in SYLLABLES:
                options.extend([part] + rest for rest in best[end])
        if allow_prefix and start > 0 and not options:
            part = letters[start:]
            if " " + part in TEXT:  # some syllable starts with it
                options.append([part])
        fewest = min(map(len, options), default=0)
        best[start] = [option for option in options if len(option) == fewest][:limit]
    return best[0]


#: ü in any tone, as typed, to v; folding would make it u, which is another
#: vowel. (Translation tables rather than regular expressions here: every
#: query is parsed once per process, so compiling a pattern would cost more
#: than using it — this character class alone took 0.8 ms.)
_U_UMLAUT_TO_V = str.maketrans(dict.fromkeys("üǖǘǚǜÜǕǗǙǛ", "v"))


def pinyin_letters(word: str) -> str:
    """The letters of a word typed as pinyin: tone digits dropped (tone marks
    are gone already; a digit 1–5 right after a letter is a tone), ü written v."""
    out = []
    previous = ""
    for char in word.replace("ü", "v"):
        if not ("1" <= char <= "5" and "a" <= previous <= "z"):
            out.append(char)
        previous = char
    return "".join(out)


def _pinyin_forms(word: str, last: bool = False) -> list[Form]:
    """Pinyin forms of a word; ``last``: the query's last word, whose last
    syllable may be the start of a longer one (qin → qing)."""
    from .syllables import INITIALS, SYLLABLES

    letters = pinyin_letters(word)
    forms: list[Form] = []
    for syllables in segmentations(letters, allow_prefix=True):
        # The last syllable may be cut short (chongq) once the query has two.
        prefix = len(syllables) >= 2 or syllables[-1] not in SYLLABLES
        forms.append(Form("pinyin", PINYIN, tuple(syllables), prefix))
        end = syllables[-1]
        if last and not prefix and len(letters) >= 3 and any(s != end and s.startswith(end) for s in SYLLABLES):
            forms.append(Form("prefix", PINYIN, tuple(syllables), True, note=f"{word}…"))
    if forms:
        return forms + [Form("pinyin-alt", PINYIN_ALT, f.tokens, f.prefix) for f in forms if f.kind == "pinyin"]
    # Initials only for two letters or more: one letter is any syllable.
    if 2 <= len(letters) <= 8 and letters.isalpha() and all(c in INITIALS for c in letters):
        return [Form("initials", INITIALS_COLUMNS, tuple(letters))]
    return []


def _pinyin_typos(word: str, lexicon: Lexicon) -> list[Form]:
    """Pinyin with two letters swapped (tusihui → tuishui, huoguodain →
    huoguodian), when the swap is whole syllables the book has."""
    from .syllables import SYLLABLES

    letters = pinyin_letters(word)
    forms = []
    for at in range(len(letters) - 1):
        if letters[at] == letters[at + 1]:
            continue
        swapped = letters[:at] + letters[at + 1] + letters[at] + letters[at + 2:]
        for syllables in segmentations(swapped, allow_prefix=False, limit=2):
            if all(s in SYLLABLES for s in syllables):
                form = Form("typo", PINYIN, tuple(syllables), note=swapped)
                if lexicon.found(form):
                    forms.append(form)
        if len(forms) >= 2:
            break
    return forms


# -- English words -----------------------------------------------------------------------

#: Endings of English word families: finance/financial, history/historical,
#: economy/economic, grow/growth, new/newly, invest/investor. Two words of a
#: family share a start and end in two of these.
SUFFIXES = frozenset(["", "s", "es", "y", "e", "ic", "ics", "ical", "ically", "ial", "ially", "al", "ally",
                      "ly", "ily", "th", "er", "ers", "or", "ors", "ion", "ions", "ation", "ations", "ive", "ity",
                      "ing", "ed", "ment", "ments", "ness", "ise", "ize", "ised", "ized", "ence", "ency", "ent",
                      "ance", "ancy", "ant", "ure", "ural", "ual"])
#: Endings that make another word when added to a word as it is: car/care,
#: part/party, port/portion, plan/plane.
_NOT_FAMILY = frozenset(["e", "y", "ion", "ions", "er", "ers", "ure"])


def family(word: str, other: str) -> bool:
    """Whether ``other`` is a word of ``word``'s family (not itself)."""
    if word == other or not (word.isalpha() and other.isalpha()):
        return False
    common = 0
    for a, b in zip(word, other):
        if a != b:
            break
        common += 1
    for cut in range(common, max(common - 3, 2), -1):
        ends = sorted((word[cut:], other[cut:]), key=len)
        if ends[0] in SUFFIXES and ends[1] in SUFFIXES:
            if cut < 4 and ends != ["", "ly"]:
                return False  # new/newly; other three-letter starts say too little
            if ends[0] == "" and ends[1] in _NOT_FAMILY:
                return False
            return True
    return False


def swaps(word: str) -> set[str]:
    """``word`` with two neighbouring letters swapped, every way."""
    return {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1)} - {word}


def _typo_forms(word: str, lexicon: Lexicon) -> list[Form]:
    """Book words a typo of ``word`` may be: within one edit (two from eight
    letters), a swap counting as one; four-letter words only by a swap. Two
    letters swapped in a word form count too: parkign is parking, which the
    book has as park."""
    distance = 1 if len(word) < 8 else 2
    corrected = [w for w in lexicon.similar(word, distance) if len(word) > 4 or w in swaps(word)]
    if len(word) >= 5:
        # A swap in a word form (parkign): other edits of a form, stemmed,
        # meet too many words by chance (mining → lining → line).
        variants = swaps(word)
        stems = {stem(v): v for v in variants if len(v) >= 4}
        known = lexicon.known(set(stems) - set(variants))
        corrected += [stems[s] for s in sorted(known) if s not in corrected]
    forms = []
    for guess in dict.fromkeys(corrected):
        if guess in STOP_EN:
            continue  # rover is no typo of over: a word asked with finds nothing
        forms.append(Form("typo", WORDS, (stem(guess),), note=guess))
    return forms[:5]


# -- the words of a query ------------------------------------------------------------------

class _Word:
    """A word of the query before it becomes a piece: Chinese (a segment of a
    run typed without spaces), Latin, or a number."""

    __slots__ = ("text", "tokens", "kind", "start", "end", "group", "number", "stop", "fragment")

    def __init__(self, text: str, tokens: tuple[str, ...], kind: str, start: int, end: int, group: int,
                 number=None, stop: bool = False):
        self.text = text
        self.tokens = tokens  # index tokens (a character each for Chinese)
        self.kind = kind  # han, unknown (Chinese the book lacks), latin, number, ordinal
        self.start = start
        self.end = end
        self.group = group  # words typed together (no space) share a group
        self.number = number
        self.stop = stop
        self.fragment = False  # a number cut from a longer one (.6)

    @property
    def key(self) -> str:
        """The concept table's key of the word: Chinese as it is, English
        stemmed (see ``concepts.key``)."""
        if self.tokens and len(self.tokens[0]) == 1 and is_han_char(self.tokens[0]):
            return self.text
        return " ".join(stem(t) for t in self.tokens)


def _groups(tokens: list[Token]) -> list[list[Token]]:
    """Runs of tokens that touch; spaces and punctuation separate them."""
    groups: list[list[Token]] = []
    for token in tokens:
        if groups and groups[-1][-1].end == token.start:
            groups[-1].append(token)
        else:
            groups.append([token])
    return groups


def _words(groups: list[list[Token]], folded: str, lexicon: Lexicon) -> list[_Word]:
    from .segment import segment, substrings

    # The runs of Chinese characters, each looked up in the book at once.
    layout: list[tuple[int, list]] = []
    runs: list[tuple[str, int]] = []
    for number, group in enumerate(groups):
        parts: list = []
        for token in group:
            if token.is_han:
                if parts and isinstance(parts[-1], list):
                    parts[-1].append(token)
                else:
                    parts.append([token])
            else:
                parts.append(token)
        layout.append((number, parts))
        for part in parts:
            if isinstance(part, list):
                runs.append(("".join(t.text for t in part), part[0].start))
    candidates: set[str] = set()
    for run, _start in runs:
        candidates |= substrings(run)
    known = lexicon.known(candidates) if candidates else set()

    out: list[_Word] = []
    for number, parts in layout:
        for part in parts:
            if isinstance(part, list):
                run = "".join(t.text for t in part)
                start = part[0].start
                for chunk in _split_unknown(segment(run, known), run, lexicon):
                    kind = {"word": "han", "stop": "han"}.get(chunk.kind, chunk.kind)
                    out.append(_Word(chunk.text, tuple(chunk.text), kind, start + chunk.start, start + chunk.end,
                                     number, chunk.number, chunk.kind == "stop"))
            else:
                out.extend(_latin_words(part, number, folded))
    return _numbers(out)


def _split_unknown(chunks, run: str, lexicon: Lexicon):
    """Unknown runs of Chinese (no word of the book covers them) are split
    where the book holds their parts (政务中心 → 政务 · 中心); a lone
    character joins its neighbour when the book holds the two together
    (火锅 · 店 → 火锅店)."""
    from .segment import Chunk

    calls = [0]

    def holds(text: str) -> bool:
        if calls[0] >= ORACLE_CALLS:
            return False
        calls[0] += 1
        return lexicon.found(Form("chinese", CHINESE, tuple(text)))

    out: list = []
    for chunk in chunks:
        if chunk.kind != "unknown" or len(chunk.text) < 2:
            out.append(chunk)
            continue
        text, at = chunk.text, 0
        if holds(text):
            out.append(chunk)
            continue
        pending = ""
        while at < len(text):
            for end in range(len(text), at + 1, -1):
                if (end - at) >= 2 and holds(text[at:end]):
                    if pending:
                        out.append(Chunk(pending, chunk.start + at - len(pending), "unknown"))
                        pending = ""
                    out.append(Chunk(text[at:end], chunk.start + at, "word"))
                    at = end
                    break
            else:
                pending += text[at]
                at += 1
        if pending:
            out.append(Chunk(pending, chunk.start + len(text) - len(pending), "unknown"))
    # A lone character next to a word it belongs to in the book (店 of
    # 火锅店: 店 alone is a word of the concept table, and so is 火锅).
    joined: list = []
    for chunk in out:
        previous = joined[-1] if joined else None
        lone = chunk.kind in ("word", "unknown") and len(chunk.text) == 1
        if (previous is not None and previous.kind in ("word", "unknown")
                and (lone or len(previous.text) == 1) and holds(previous.text + chunk.text)):
            joined[-1] = Chunk(previous.text + chunk.text, previous.start, "word")
        else:
            joined.append(chunk)
    return joined


_YEAR_QUARTER = re.compile(r"((?:19|20)\d\d)(q[1-4])")


def _latin_words(token: Token, group: int, folded: str) -> list[_Word]:
    from .numbers import EN_MAGNITUDES, plain, split_before, split_magnitude

    text = token.text
    if text[:1].isdigit():
        split = split_magnitude(text)
        if split and split[1] not in EN_MAGNITUDES and split[1] not in ("km2", "km", "sqkm", "pct", "percent",
                                                                         "yuan", "rmb", "cny"):
            digits = split[0]  # 1st: an ordinal
            return [_Word(text, (digits,), "ordinal", token.start, token.end, group, plain(digits))]
        if split:  # 1.06bn, 3km2
            digits, after = split
            middle = token.start + len(digits)
            return [_Word(digits, (digits,), "number", token.start, middle, group, plain(digits)),
                    _Word(after, (after,), "latin", middle, token.end, group)]
        number = plain(text)
        if number is not None:
            word = _Word(text, (text,), "number", token.start, token.end, group, number)
            word.fragment = token.start > 0 and folded[token.start - 1] == "."
            return [word]
    quarter = _YEAR_QUARTER.fullmatch(text)
    if quarter:  # 2024q1, as ids and tables write it: the year and its quarter
        middle = token.start + 4
        return [_Word(quarter[1], (quarter[1],), "number", token.start, middle, group, plain(quarter[1])),
                _Word(quarter[2], (quarter[2],), "latin", middle, token.end, group)]
    before = split_before(text)
    if before:  # rmb1.06, no1
        letters, digits = before
        middle = token.start + len(letters)
        return [_Word(letters, (letters,), "latin", token.start, middle, group, stop=letters in STOP_EN),
                *_latin_words(Token(digits, middle, token.end), group, folded)]  # 1.06 or 1.06bn
    return [_Word(text, (text,), "latin", token.start, token.end, group, stop=text in STOP_EN or text in STOP_PINYIN)]


def _numbers(words: list[_Word]) -> list[_Word]:
    """Numbers written in words, and numbers with a magnitude after them,
    become one number each: thirty-two point five, 1.06 billion, 10.6亿."""
    if all(word.kind in ("han", "unknown") for word in words):
        return words  # Chinese numerals are numbers already (segment): no need to load ``numbers``
    from .numbers import EN_MAGNITUDES, EN_NUMBER_WORDS, ZH_MAGNITUDES, parse_en, with_magnitude

    out: list[_Word] = []
    i = 0
    while i < len(words):
        word = words[i]
        if word.kind == "latin" and word.text in EN_NUMBER_WORDS:
            j = i
            while j < len(words) and words[j].kind == "latin" and (words[j].text in EN_NUMBER_WORDS
                                                                    or (words[j].text == "and" and j > i)):
                j += 1
            while j > i and words[j - 1].text in ("and", "point"):
                j -= 1
            number = parse_en([w.text for w in words[i:j]])
            if number is not None:
                merged = _Word(" ".join(w.text for w in words[i:j]), tuple(w.text for w in words[i:j]), "number",
                               word.start, words[j - 1].end, word.group, number)
                out.append(merged)
                i = j
                continue
        if (word.kind == "latin" and word.text in ("no", "nr") and i + 1 < len(words)
                and words[i + 1].kind == "number" and words[i + 1].tokens[0].isdigit()):
            after = words[i + 1]  # No. 1: the first
            out.append(_Word(f"{word.text} {after.text}", after.tokens, "ordinal", word.start, after.end,
                             word.group, after.number))
            i += 2
            continue
        if word.kind == "number" and word.number is not None and i + 1 < len(words):
            after = words[i + 1]
            magnitude = ""
            glued = after.start == word.end
            if after.kind == "latin" and after.text in EN_MAGNITUDES and (glued or after.text not in ("m", "k")):
                magnitude = after.text
            elif after.kind in ("han", "unknown") and after.text[:1] in ZH_MAGNITUDES \
                    and (after.group == word.group or after.text[1:] in ("", "元")):
                magnitude = after.text[0]  # 10.6亿元; apart, only the magnitude (106,000 万, not 3 万达)
            if magnitude and word.number.magnitude == "":
                number = with_magnitude(word.text, magnitude)
                if number is not None:
                    merged = _Word(word.text + magnitude, (word.text, magnitude), "number", word.start,
                                   after.start + len(magnitude), word.group, number)
                    # 6亿 glued to its magnitude may be cut from 10.6亿.
                    merged.fragment = word.fragment or (after.kind != "latin" and after.group == word.group)
                    out.append(merged)
                    rest = after.text[len(magnitude):]
                    if rest and after.kind != "latin":  # 元 of 亿元
                        out.append(_Word(rest, tuple(rest), "han", after.start + len(magnitude), after.end,
                                         after.group, stop=rest in STOP_ZH))
                    i += 2
                    continue
        out.append(word)
        i += 1
    return out


# -- forms of each kind of word ---------------------------------------------------------------

#: The columns of each script of the concept table's terms.
_SCRIPT_COLUMNS = {"zh": CHINESE, "en": ENGLISH, "mark": MARK}


def _concept_forms(found: list[tuple[str, str, str, bool]]) -> list[Form]:
    """Forms of the terms a concept finds (``Lexicon.concepts``): Chinese,
    English (stemmed when the store was built) or a mark."""
    forms = []
    for term, tokens, script, question in found:
        kind = "mark" if script == "mark" else "question" if question else "synonym"
        forms.append(Form(kind, _SCRIPT_COLUMNS[script], tuple(tokens.split()), note=term))
    return forms


def _ordinal_forms(word: _Word) -> list[Form]:
    """第一, 1st, No. 1: the first, as the text says it in either language,
    and the rank a figure gives."""
    from .numbers import EN_ORDINALS, zh_numeral

    whole = word.number.integer
    forms: list[Form] = []
    if is_han_char(word.text[0]):
        forms.append(Form("chinese", CHINESE, tuple(word.text)))
    if whole is not None and 0 < whole < 100:
        forms.append(Form("numeral", CHINESE, ("第", *zh_numeral(whole)), note="第" + zh_numeral(whole)))
        if whole in EN_ORDINALS:
            forms.append(Form("numeral", WORDS, (EN_ORDINALS[whole],), note=EN_ORDINALS[whole]))
    forms.append(Form("number", NUMBER, (str(word.number.base), "rank")))
    return list(dict.fromkeys(forms))


def _number_forms(word: _Word) -> list[Form]:
    number = word.number
    forms: list[Form] = []
    if word.kind == "ordinal":
        return _ordinal_forms(word)
    if word.tokens and not word.tokens[0][:1].isdigit():
        if all(len(t) == 1 and is_han_char(t) for t in word.tokens):
            forms.append(Form("chinese", CHINESE, word.tokens))  # 三 of 三国三园 is no number
        else:
            forms.append(Form("english", WORDS, tuple(stem(t) for t in word.tokens)))
    zh, en = number.text_forms()
    for tokens in zh:
        forms.append(Form("number", LATIN + ("names",), tokens))
    for tokens in en:
        forms.append(Form("number", WORDS, tokens))
    forms.append(Form("number", NUMBER, (str(number.base),)))
    zh_words, en_words = number.word_forms()
    for numeral in zh_words:
        forms.append(Form("numeral", CHINESE, tuple(numeral), note=numeral))
    for tokens in en_words:
        forms.append(Form("numeral", WORDS, tuple(stem(t) for t in tokens), note=" ".join(tokens)))
    if word.fragment:
        forms.append(Form("partial", CHARS, tuple(c.text for c in char_tokens(word.text))))
    return list(dict.fromkeys(forms))


def _latin_forms(word: _Word, folded_v: str, last: bool, lexicon: Lexicon, family_words: list[str],
                 has_concept: bool) -> list[Form]:
    text = word.text
    forms: list[Form] = [Form("english", ENGLISH if len(text) > 1 else LETTER, (stem(text),)),
                         Form("latin", LATIN, (text,))]
    pinyin = _pinyin_forms(folded_v[word.start:word.end], last) if text.isalnum() else []
    forms.extend(pinyin)
    for other in family_words:
        forms.append(Form("family", WORDS, (stem(other),), note=other))
    if last and text.isalpha() and len(text) >= 3:
        forms.append(Form("prefix", WORDS, (text,), True, note=f"{text}…"))
    # A typo only of a word the book knows in no way: not as it is, nor its
    # family, nor a concept of it (companies is no typo of anything).
    if text.isascii() and text.isalpha() and len(text) >= 4 and not word.stop and not has_concept \
            and not family_words:
        own = forms[:2] + [f for f in pinyin if f.kind == "pinyin"]
        if not lexicon.known({text}) and not any(lexicon.found(f) for f in own):
            forms.extend(_typo_forms(text, lexicon))
            if len(text) >= 5:
                forms.extend(_pinyin_typos(text, lexicon))
    return list(dict.fromkeys(forms))


def _word_forms(word: _Word, folded_v: str, last: bool, lexicon: Lexicon, family_words: list[str],
                has_concept: bool) -> list[Form]:
    if word.kind in ("number", "ordinal"):
        return _number_forms(word)
    if word.kind == "latin":
        return _latin_forms(word, folded_v, last, lexicon, family_words, has_concept)
    return [Form("chinese", CHINESE, word.tokens)]


# -- parse ---------------------------------------------------------------------------------------

def parse(raw: str, lexicon: Lexicon | None = None) -> Query:
    """The pieces and spans of ``raw``; ``lexicon`` says what the book
    knows (nothing when left out)."""
    lexicon = lexicon or Lexicon()
    text = unicodedata.normalize("NFC", clean(raw))
    if len(text) > MAX_QUERY_CHARS:
        raise UsageError(
            f"the query is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}",
            hint="search for a few words or characters",
        )
    text_searched = _without_thousands_separators(text)
    folded = fold_text(text_searched)
    # The same text with ü kept apart from u, for pinyin (lüyi is 绿意);
    # character for character the same as ``folded`` in every other way.
    folded_v = fold_text(text_searched.translate(_U_UMLAUT_TO_V))
    if len(folded_v) != len(folded):
        folded_v = folded
    groups = _groups(tokenize(folded))
    if not groups:
        raise UsageError(
            "the query has no letters, digits or characters to search for",
            hint="try a word such as 氢能, hydrogen or qingneng",
        )
    if len(groups) > MAX_PIECES:
        raise UsageError(f"the query has {len(groups)} separate words; the limit is {MAX_PIECES}",
                         hint="search for fewer words")
    words = _words(groups, folded, lexicon)
    concepts = _concepts(words, lexicon)
    typing = not text[-1:].isspace()  # the last word may be half typed
    questions = _questions(words, concepts)
    pieces, owner = _pieces(words, concepts, questions, folded_v, typing, lexicon)
    # Forms that stand for several pieces: concepts of several words, a run
    # of Chinese typed together, pinyin typed with spaces.
    spans: list[tuple[Form, tuple[int, ...]]] = []
    for (first, last), found in concepts.items():
        covered = tuple(sorted({owner[i] for i in range(first, last + 1) if i in owner}))
        if last > first and covered and (first, last) not in questions:
            spans += [(form, covered) for form in _concept_forms(found)]
    spans += _typed_together(words, owner, folded)
    spans += _spaced_pinyin(words, owner, folded_v, typing)
    merged = list(dict.fromkeys(Span(form, covers) for form, covers in spans if covers))
    phrases, runs = _phrases(words, owner)
    return Query(raw=text, folded=folded, pieces=pieces, spans=merged, phrases=phrases, runs=runs)


Concepts = dict[tuple[int, int], list[tuple[str, str, str, bool]]]


def _questions(words: list[_Word], concepts: Concepts) -> dict[tuple[int, int], list]:
    """Runs of words that are one question (how big, how many) or one
    concept made of stop words (per cent), longest first, not overlapping:
    each becomes one piece."""
    questions: dict[tuple[int, int], list] = {}
    taken: set[int] = set()
    for (first, last), found in sorted(concepts.items(), key=lambda item: item[0][0] - item[0][1]):
        run = range(first, last + 1)
        asks = all(row[3] for row in found)
        if last > first and (asks or all(words[i].stop for i in run)) and not taken.intersection(run):
            questions[first, last] = found
            taken.update(run)
    return questions


def _pieces(words: list[_Word], concepts: Concepts, questions: dict, folded_v: str, typing: bool,
            lexicon: Lexicon) -> tuple[list[Piece], dict[int, int]]:
    """The pieces of the query and, for each word in one, its piece. Stop
    words are none, unless a concept of theirs asks something (多少, when)
    or nothing else is left; a question is an optional piece, unless it is
    all the query asks."""
    in_questions = {i for first, last in questions for i in range(first, last + 1)}
    content = [i for i, word in enumerate(words) if not word.stop and i not in in_questions]
    if not content and not in_questions and not any(word.stop and (i, i) in concepts
                                                    for i, word in enumerate(words)):
        content = list(range(len(words)))  # only stop words: search for them as typed
        for word in words:
            word.stop = False
    family_of = _families(words, content, lexicon)
    last_word = max(range(len(words)), key=lambda i: words[i].end)
    pieces: list[Piece] = []
    owner: dict[int, int] = {}
    for i, word in enumerate(words):
        found = concepts.get((i, i), [])
        if i in content:
            forms = _word_forms(word, folded_v, typing and i == last_word, lexicon, family_of.get(i, []),
                                bool(found))
            owner[i] = len(pieces)
            pieces.append(Piece(word.text, list(dict.fromkeys(forms + _concept_forms(found)))))
        elif i not in in_questions and found:
            owner[i] = len(pieces)
            pieces.append(Piece(word.text, _concept_forms(found), optional=all(row[3] for row in found)))
    for (first, last), found in questions.items():
        for i in range(first, last + 1):
            owner[i] = len(pieces)
        pieces.append(Piece(" ".join(w.text for w in words[first:last + 1]), _concept_forms(found),
                            optional=all(row[3] for row in found)))
    if pieces and all(piece.optional for piece in pieces):
        for piece in pieces:
            piece.optional = False
    return pieces, owner


def _concepts(words: list[_Word], lexicon: Lexicon) -> Concepts:
    """The concepts of each word and of each run of up to four Latin words
    (internet of things, how many), by (first, last) word index."""
    keys: dict[tuple[int, int], str] = {}
    for i, word in enumerate(words):
        keys[i, i] = word.key
        if word.kind not in ("latin", "number"):
            continue
        for j in range(i + 1, min(len(words), i + LONGEST_CONCEPT)):
            if words[j].kind not in ("latin", "number"):
                break
            keys[i, j] = " ".join(w.key for w in words[i:j + 1])
    found = lexicon.concepts(set(keys.values()))
    return {span: found[key] for span, key in keys.items() if key in found}


def _families(words: list[_Word], content: list[int], lexicon: Lexicon) -> dict[int, list[str]]:
    """The book's words of each English word's family (see ``family``)."""
    out: dict[int, list[str]] = {}
    for i in content:
        word = words[i].text
        if words[i].kind != "latin" or not word.isalpha() or not word.isascii() or len(word) < 3:
            continue
        start = word[:4] if len(word) >= 4 else word
        members = [w for w in lexicon.starting(start) if family(word, w) and stem(w) != stem(word)]
        if members:
            out[i] = members[:4]
    return out


def _typed_together(words: list[_Word], owner: dict[int, int], folded: str) -> list[tuple[Form, tuple[int, ...]]]:
    """A run of Chinese typed without spaces, split into several pieces, is
    also a phrase of its own (民主村社区火锅店); one that mixes a number and
    characters may be a fragment cut from the text (6亿 of 10.6亿)."""
    spans = []
    by_group: dict[int, list[int]] = {}
    for i, word in enumerate(words):
        by_group.setdefault(word.group, []).append(i)
    for members in by_group.values():
        covered = tuple(sorted({owner[i] for i in members if i in owner}))
        if len(members) < 2 or not covered:
            continue
        start, end = words[members[0]].start, words[members[-1]].end
        tokens = tuple(t.text for t in tokenize(folded[start:end]))
        has_han = any(len(t) == 1 and is_han_char(t) for t in tokens)
        if not has_han:
            continue
        spans.append((Form("chinese", CHINESE, tokens), covered))
        if not all(len(t) == 1 and is_han_char(t) for t in tokens):
            spans.append((Form("partial", CHARS, tuple(c.text for c in char_tokens(folded[start:end]))), covered))
            # A small number in digits among characters, as Chinese writes it
            # there: 1季度 is 一季度, 6个区 六个区.
            numeral = tuple(t for i in members for t in _as_numeral(words[i]))
            if numeral != tokens:
                spans.append((Form("numeral", CHINESE, numeral), covered))
    return spans


def _as_numeral(word: _Word) -> tuple[str, ...]:
    from .numbers import zh_numeral

    whole = word.number.integer if word.kind == "number" and word.tokens[0][:1].isdigit() else None
    if whole is None or word.number.magnitude or not 0 <= whole < 100:
        return word.tokens
    return tuple(zh_numeral(whole))


def _spaced_pinyin(words: list[_Word], owner: dict[int, int], folded_v: str,
                   typing: bool) -> list[tuple[Form, tuple[int, ...]]]:
    """Pinyin typed with spaces (qing neng, qing2 neng2) is also one word."""
    latin = [i for i, w in enumerate(words) if i in owner]
    if len(latin) < 2 or not all(words[i].kind == "latin" for i in latin):
        return []
    letters = "".join(pinyin_letters(folded_v[words[i].start:words[i].end]) for i in latin)
    if not letters.isascii() or not letters.isalpha():
        return []
    covered = tuple(sorted({owner[i] for i in latin}))
    return [(form, covered) for form in _pinyin_forms(letters, typing) if form.kind.startswith("pinyin")]


def _phrases(words: list[_Word], owner: dict[int, int]) -> tuple[list[tuple[str, ...]], list[tuple[int, ...]]]:
    """Runs of words the query typed one after the other, stop words left
    out: as index tokens (Chinese characters; English words unstemmed), for
    the phrase boost, and as the pieces they are."""
    phrases: list[tuple[str, ...]] = []
    runs: list[tuple[int, ...]] = []
    tokens: list[str] = []
    pieces: list[int] = []

    def close():
        if len(tokens) >= 2:
            phrases.append(tuple(tokens))
        if len(pieces) >= 2:
            runs.append(tuple(pieces))
        tokens.clear()
        pieces.clear()

    for i, word in enumerate(words):
        if i in owner and not word.stop:
            tokens.extend(word.tokens)
            if owner[i] not in pieces:
                pieces.append(owner[i])
        else:
            close()
    close()
    return phrases, runs
