"""Parse a query into the forms it may take: Chinese, English, pinyin, numbers.

A query is split into pieces at spaces and punctuation. Every piece must match
(AND); each piece matches if any of its forms does (OR):

* Chinese and numbers as a phrase of tokens (民主村, 10.6亿, 5g融合);
* numbers and mixed pieces also character by character in the Chinese text,
  so a span that cuts a number (6亿 of 10.6亿) still finds its fact;
* English words, stemmed (renewal → renew), in the English text and names;
* pinyin, segmented into syllables (qingneng → qing neng), the last one a
  prefix when there are two or more (chongq → chong q*); tones, tone digits
  dropped, ü written v; alternative readings of heteronyms in a column of
  their own;
* initials when the letters are no pinyin (jlp → j l p);
* curated synonyms (aluminum ↔ aluminium), keyed by stems so that every form
  of a word has them and, for English words of five letters or more that are
  neither in the book nor pinyin found in it, the words of the book within
  one or two edits (typos).

Forms that only make sense for the whole query (qing neng → qingneng, hot pot
→ 火锅) are added beside the pieces. Nothing here touches the database except
through the ``known_word``, ``similar_words`` and ``found`` callbacks, so
parsing is testable alone.
"""

from __future__ import annotations

import unicodedata
from typing import Callable

from ..errors import UsageError
from ..records import Record
from .layout import FORM_COLUMNS, MATCH_COLUMNS
from .normalize import Token, char_tokens, fold_text, is_han, stem, tokenize

MAX_QUERY_CHARS = 500
MAX_PIECES = 16

#: Columns each kind of form is matched in (the layout's).
CHINESE = FORM_COLUMNS["chinese"]
ENGLISH = FORM_COLUMNS["english"]
LATIN = FORM_COLUMNS["latin"]
PINYIN = FORM_COLUMNS["pinyin"]
PINYIN_ALT = FORM_COLUMNS["pinyin-alt"]
INITIALS_COLUMNS = FORM_COLUMNS["initials"]
CHARS = FORM_COLUMNS["partial"]

STOPWORDS = frozenset("a an and are as at by for from in into is of on or the to with".split())

#: Translation synonyms and spelling variants, curated for this kind of text
#: (an article on a district's economy, in British English). Each group is
#: symmetric: any member finds the others. Words that would match too much of
#: the book are left out (works → work, business → business district).
SYNONYM_GROUPS: tuple[tuple[str, ...], ...] = (
    # British and American spelling
    ("aluminium", "aluminum"),
    ("centre", "center"),
    ("programme", "program"),
    ("kilometre", "kilometer"),
    ("metre", "meter"),
    ("modernisation", "modernization"),
    ("organisation", "organization"),
    ("personalised", "personalized"),
    ("neighbourhood", "neighborhood"),
    ("liveable", "livable"),
    ("ageing", "aging"),
    ("harbour", "harbor", "port"),
    # the same thing said another way
    ("investment", "capital"),
    ("foreign investment", "foreign capital", "fdi", "外资"),
    ("km2", "square kilometre", "square kilometer", "sq km", "平方公里"),
    ("iot", "internet of things", "物联网"),
    ("q1", "first quarter", "一季度"),
    ("revenue", "income", "turnover", "营业收入"),
    ("growth", "increase", "rise", "rose"),
    ("renewal", "regeneration", "renovation", "redevelopment"),
    ("factory", "plant"),
    ("enterprise", "company", "firm"),
    ("shop", "store"),
    ("car", "vehicle", "automobile"),
    ("hotpot", "hot pot", "火锅"),
    ("tax free", "tax refund", "离境退税"),
)


def synonym_key(text: str) -> str:
    """How a synonym is looked up: folded, stemmed words (so renew and renewal
    share the synonyms of renewal)."""
    return " ".join(stem(t.text) for t in tokenize(fold_text(text)))


def _has_latin(text: str) -> bool:
    return any(c.isascii() and c.isalpha() for c in text)


def synonyms_of(text: str) -> tuple[str, ...]:
    """The curated synonyms of ``text``: the other members of every group
    with a member of the same key, in the order of the groups.

    Only the members that can have that key are folded and stemmed: an ASCII
    member with as many words and the same first letter (stemming keeps a
    word's first letter), a Chinese member only for a key that starts with a
    Chinese character. So a Latin query stems a few words instead of every
    member, and never loads the traditional-to-simplified table that folding
    the Chinese members would (tests compare this with every member's key)."""
    key = synonym_key(text)
    if not key:
        return ()
    latin = _has_latin(key)
    size = key.count(" ") + 1
    found: tuple[str, ...] = ()
    for group in SYNONYM_GROUPS:
        for member in group:
            if _has_latin(member) and not latin:
                continue
            if member.isascii():
                if member[0].lower() != key[0] or member.count(" ") + 1 != size:
                    continue
            elif key[0].isascii():
                continue
            if synonym_key(member) == key:
                found = tuple(dict.fromkeys(found + tuple(m for m in group if m != member)))
    return found


class Form(Record):
    """One way a piece of the query can match: tokens in some columns."""

    __slots__ = ("kind", "columns", "tokens", "prefix", "note")

    def __init__(self, kind: str, columns: tuple[str, ...], tokens: tuple[str, ...], prefix: bool = False,
                 note: str = ""):
        self.kind = kind  # chinese, english, latin, number, partial, pinyin, pinyin-alt, initials, synonym, typo
        self.columns = columns
        self.tokens = tokens
        self.prefix = prefix  # the last token is a prefix (pinyin)
        self.note = note  # for --explain: the synonym or corrected word

    def fts(self) -> str:
        phrase = '"' + " ".join(self.tokens).replace('"', '""') + '"'
        columns = dict.fromkeys(c for column in self.columns for c in MATCH_COLUMNS.get(column, (column,)))
        return "{" + " ".join(columns) + "} : " + phrase + ("*" if self.prefix else "")

    def label(self) -> str:
        return f"{self.kind} ({self.note})" if self.note else self.kind


class Piece(Record):
    __slots__ = ("text", "forms")

    def __init__(self, text: str, forms: list[Form]):
        self.text = text  # as the user typed it (folded)
        self.forms = forms


class Query(Record):
    __slots__ = ("raw", "folded", "pieces", "whole")

    def __init__(self, raw: str, folded: str, pieces: list[Piece], whole: list[Form]):
        self.raw = raw
        self.folded = folded
        self.pieces = pieces
        self.whole = whole  # forms of the query as a whole (joined pinyin, synonyms of several words)

    def fts(self) -> str:
        conjunction = " AND ".join(
            "(" + " OR ".join(form.fts() for form in piece.forms) + ")" for piece in self.pieces
        )
        alternatives = [f"({conjunction})"] + [form.fts() for form in self.whole]
        return " OR ".join(alternatives)

    def all_forms(self) -> list[Form]:
        return [form for piece in self.pieces for form in piece.forms] + list(self.whole)


def clean(raw: str) -> str:
    """Lone surrogates (from a terminal in the wrong encoding) become U+FFFD."""
    return raw.encode("utf-8", "surrogatepass").decode("utf-8", "replace")


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


def segment_pinyin(letters: str, allow_prefix: bool) -> list[str] | None:
    """The first of ``segmentations``, or None when the letters are no pinyin."""
    found = segmentations(letters, allow_prefix)
    return found[0] if found else None


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


def _pinyin_forms(word: str) -> list[Form]:
    from .syllables import INITIALS, SYLLABLES

    letters = pinyin_letters(word)
    forms: list[Form] = []
    for syllables in segmentations(letters, allow_prefix=True):
        # The last syllable may be cut short (chongq) once the query has two.
        prefix = len(syllables) >= 2 or syllables[-1] not in SYLLABLES
        forms.append(Form("pinyin", PINYIN, tuple(syllables), prefix))
    if forms:
        return forms + [Form("pinyin-alt", PINYIN_ALT, f.tokens, f.prefix) for f in forms]
    # Initials only for two letters or more: one letter is any syllable.
    if 2 <= len(letters) <= 8 and letters.isalpha() and all(c in INITIALS for c in letters):
        return [Form("initials", INITIALS_COLUMNS, tuple(letters))]
    return []


def _phrase_forms(text: str) -> list[Form]:
    """Forms of a stretch of text given as a synonym: Chinese or English."""
    tokens = [t.text for t in tokenize(fold_text(text))]
    if not tokens:
        return []
    if any(is_han(t) for t in tokens):
        return [Form("synonym", CHINESE, tuple(tokens), note=text)]
    return [Form("synonym", ENGLISH, tuple(stem(t) for t in tokens), note=text)]


def _piece_forms(tokens: list[Token], pinyin_text: str, known_word, similar_words, found) -> list[Form]:
    words = [t.text for t in tokens]
    text = "".join(words)
    has_han = any(t.is_han for t in tokens)
    has_digit = any(ch.isdigit() for ch in text)
    forms: list[Form] = []
    if has_han:
        forms.append(Form("chinese", CHINESE, tuple(words)))
    else:
        forms.append(Form("number" if has_digit else "english", ENGLISH, tuple(stem(w) for w in words)))
        # Numbers and Latin words also stand in Chinese text: 10.6, 2023, 5G.
        forms.append(Form("number" if has_digit else "latin", LATIN, tuple(words)))
    if (has_han or text[0].isdigit()) and not all(t.is_han for t in tokens):
        # A piece of a number or of 5G, as cut from the Chinese text (6亿, g融);
        # not qing2, which is pinyin with a tone.
        chars = tuple(c.text for c in char_tokens(text))
        forms.append(Form("partial", CHARS, chars))
    if has_han:
        return forms
    pinyin = _pinyin_forms(pinyin_text) if len(words) == 1 else []
    forms.extend(pinyin)
    for alternative in synonyms_of(" ".join(words)):
        forms.extend(_phrase_forms(alternative))
    if len(words) == 1:
        word = words[0]
        # A typo is a word of five letters or more that the book does not
        # have, in English or as pinyin (qingneng is 氢能, not Qingling).
        if (word.isascii() and word.isalpha() and len(word) >= 5 and not known_word(word)
                and not any(found(f) for f in pinyin if f.kind == "pinyin")):
            for corrected in similar_words(word, 1 if len(word) < 8 else 2):
                forms.append(Form("typo", ENGLISH, (stem(corrected),), note=corrected))
    return list(dict.fromkeys(forms))


def _pieces(folded: str) -> list[list[Token]]:
    """Runs of tokens that touch; spaces and punctuation separate pieces."""
    groups: list[list[Token]] = []
    for token in tokenize(folded):
        if groups and groups[-1][-1].end == token.start:
            groups[-1].append(token)
        else:
            groups.append([token])
    return groups


def parse(
    raw: str,
    known_word: Callable[[str], bool] = lambda w: True,
    similar_words: Callable[[str, int], list[str]] = lambda w, d: [],
    found: Callable[[Form], bool] = lambda form: False,
) -> Query:
    """``known_word``: is this word in the book's English? ``similar_words``:
    the book's words within so many edits; ``found``: does this form match
    any fact?"""
    text = unicodedata.normalize("NFC", clean(raw))
    if len(text) > MAX_QUERY_CHARS:
        raise UsageError(
            f"the query is {len(text)} characters long; the limit is {MAX_QUERY_CHARS}",
            hint="search for a few words or characters",
        )
    folded = fold_text(text)
    # The same text with ü kept apart from u, for pinyin (lüyi is 绿意);
    # character for character the same as ``folded`` in every other way.
    folded_v = fold_text(text.translate(_U_UMLAUT_TO_V))
    if len(folded_v) != len(folded):
        folded_v = folded
    groups = _pieces(folded)
    if not groups:
        raise UsageError(
            "the query has no letters, digits or characters to search for",
            hint="try a word such as 氢能, hydrogen or qingneng",
        )
    if len(groups) > MAX_PIECES:
        raise UsageError(f"the query has {len(groups)} separate words; the limit is {MAX_PIECES}",
                         hint="search for fewer words")
    plain = [g for g in groups if not (len(g) == 1 and g[0].text in STOPWORDS)]
    groups_kept = plain or groups
    pieces = []
    for g in groups_kept:
        start, end = g[0].start, g[-1].end
        pieces.append(Piece(folded[start:end], _piece_forms(g, folded_v[start:end], known_word, similar_words, found)))
    return Query(raw=text, folded=folded, pieces=pieces, whole=_whole_forms(groups, folded_v))


def _whole_forms(groups: list[list[Token]], folded_v: str) -> list[Form]:
    """Forms of a query of several words taken together: pinyin typed with
    spaces (qing neng, qing2 neng2) and synonyms of several words (hot pot)."""
    if len(groups) < 2:
        return []
    forms: list[Form] = []
    words = [folded_v[g[0].start : g[-1].end] for g in groups]
    letters = [pinyin_letters(w) for w in words]
    if all(len(g) == 1 for g in groups) and all(w.isascii() and w.isalpha() for w in letters):
        forms.extend(f for f in _pinyin_forms("".join(letters)) if f.kind.startswith("pinyin"))
    for alternative in synonyms_of(" ".join(t.text for g in groups for t in g)):
        forms.extend(_phrase_forms(alternative))
    return list(dict.fromkeys(forms))
