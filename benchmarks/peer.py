"""The peer of ``jlp search``: the search a competent developer assembles in a day.

Not shipped, never imported by jlp_cli or by the tests; ``relevance.py`` scores
it beside jlp. It is built the obvious way from well-known parts, and it was
not tuned to any query suite:

* every fact is one document: its Chinese and English text, its quote, and the
  names (Chinese and English) and aliases of the entities it links;
* Chinese is cut into words by jieba's search mode (``cut_for_search``), with
  the book's entity names and aliases added to jieba's dictionary first;
* traditional characters become simplified with OpenCC (``t2s``);
* every Chinese word also stands in the document as its pinyin, joined
  (``氢能`` → ``qingneng``) and syllable by syllable (``qing``, ``neng``), so
  pinyin queries match; tone marks and tone numbers are dropped from queries;
* English is lower-cased, stripped of a short list of stop words and stemmed
  (Snowball, through PyStemmer); numbers such as ``10.6`` stay whole;
* BM25 (``rank_bm25``'s Okapi) with OR semantics: any query word may match;
  every fact with a positive score is returned, best first;
* a query word that is not in the documents' vocabulary is corrected to the
  closest vocabulary word by rapidfuzz (Levenshtein ratio ≥ 80, words of 4
  letters or more), and the correction is searched instead.

Needs ``jieba``, ``rank_bm25`` and ``opencc`` besides jlp's own dependencies
(pypinyin, rapidfuzz, PyStemmer, PyYAML); see benchmarks/README.md.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from pathlib import Path

HAN = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
TOKEN = re.compile(rf"[{HAN}]+|\d+(?:\.\d+)?|[a-z]+")
HAN_RUN = re.compile(rf"^[{HAN}]+$")
LATIN_WORD = re.compile(r"^[a-z]+$")

# The usual English function words and question words. Chinese needs none: BM25's
# idf weighs 的 and 是 down, as it does any word most documents have.
STOP_WORDS = frozenset("""
a an and are as at be been by did do does for from had has have how i in is it its of on or so that the
their them there these they this to was were what when where which who whom why will with
""".split())

FUZZY_CUTOFF = 80
FUZZY_MIN_LENGTH = 4


class Peer:
    """A BM25 search over the facts of one book."""

    def __init__(self, book: Path) -> None:
        import jieba
        import opencc
        import Stemmer
        import yaml
        from rank_bm25 import BM25Okapi

        jieba.setLogLevel(logging.WARNING)
        data = yaml.safe_load(book.read_text(encoding="utf-8"))
        entities = {e["id"]: e for e in data.get("entities", [])}
        for entity in entities.values():
            for name in [entity["name"]["zh"], *entity.get("aliases", [])]:
                if HAN_RUN.match(name):
                    jieba.add_word(name)
        self._jieba = jieba
        self._t2s = opencc.OpenCC("t2s")
        self._stem = Stemmer.Stemmer("english").stemWord
        self.facts = data["facts"]
        documents = [self.tokens(self._document(fact, entities), query=False) for fact in self.facts]
        self.vocabulary = frozenset(token for doc in documents for token in doc)
        self._words = [frozenset(doc) for doc in documents]
        self._latin_words = sorted(w for w in self.vocabulary if LATIN_WORD.match(w))
        self._bm25 = BM25Okapi(documents)

    @staticmethod
    def _document(fact: dict, entities: dict) -> str:
        parts = [fact["text"]["zh"], fact["text"]["en"], fact["quote"]]
        for entity_id in fact.get("entities", []):
            entity = entities.get(entity_id)
            if entity:
                parts += [entity["name"]["zh"], entity["name"]["en"], *entity.get("aliases", [])]
        return "\n".join(parts)

    def _normalise(self, text: str) -> str:
        text = self._t2s.convert(unicodedata.normalize("NFKC", text)).lower()
        # Pinyin as typed: ü or v, tone marks or tone numbers (huang2 → huang).
        decomposed = unicodedata.normalize("NFD", text)
        decomposed = re.sub("u\u0308", "v", decomposed)
        text = "".join(c for c in decomposed if not unicodedata.combining(c))
        return re.sub(r"(?<=[a-z])[1-5]", "", unicodedata.normalize("NFC", text))

    def tokens(self, text: str, query: bool) -> list[str]:
        from pypinyin import lazy_pinyin

        out = []
        for run in TOKEN.findall(self._normalise(text)):
            if HAN_RUN.match(run):
                words = [w for w in self._jieba.cut_for_search(run) if w.strip()]
                out += words
                if not query:
                    for word in words:
                        syllables = lazy_pinyin(word)
                        out.append("".join(syllables))
                        if len(syllables) > 1:
                            out += syllables
            elif LATIN_WORD.match(run):
                if run in STOP_WORDS:
                    continue
                out.append(run)
                stem = self._stem(run)
                if stem != run:
                    out.append(stem)
            else:
                out.append(run)
        return out

    def _correct(self, token: str) -> str:
        if not LATIN_WORD.match(token) or len(token) < FUZZY_MIN_LENGTH or token in self.vocabulary:
            return token
        from rapidfuzz import fuzz, process

        best = process.extractOne(token, self._latin_words, scorer=fuzz.ratio, score_cutoff=FUZZY_CUTOFF)
        return best[0] if best else token

    def search(self, query: str, section=None, kind=None, entity=None, tag=None, strict=False) -> list[str]:
        """Ids of the facts that match any word of ``query`` (``strict``:
        every word), best first."""
        words = [self._correct(token) for token in self.tokens(query, query=True)]
        if not words:
            return []
        scores = self._bm25.get_scores(words)
        ranked = sorted(range(len(self.facts)), key=lambda i: (-scores[i], self.facts[i]["id"]))
        out = []
        for i in ranked:
            fact = self.facts[i]
            if scores[i] <= 0:
                break
            if section and fact["section"] != section or kind and fact["kind"] != kind:
                continue
            if entity and entity not in fact.get("entities", []) or tag and tag not in fact.get("tags", []):
                continue
            if strict and not all(word in self._words[i] for word in words):
                continue
            out.append(fact["id"])
        return out
