"""The tables of a compiled store.

Records are kept as the JSON of their validated model (every field present,
in schema order), so machine output is a copy of what was validated; the
other columns are what queries filter, join and sort on. The search index's
table is the search layer's (``SearchIndex.schema``). Which stores this code
can read is ``cache.store_version``'s business.

``vocab`` holds the words a query may be made of: the book's English-script
words (``latin``: a typo is corrected to one of them) and its Chinese words
(run-together Chinese queries are split at them). ``concepts`` is the
search's concept table (``SearchIndex.concept_rows``): a key, a term it
finds, the term's index tokens and script, and whether the key is a question
phrase.
"""

from __future__ import annotations

SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE article(json TEXT NOT NULL);
CREATE TABLE sections(id TEXT PRIMARY KEY, ord INTEGER NOT NULL, json TEXT NOT NULL);
CREATE TABLE entities(id TEXT PRIMARY KEY, ord INTEGER NOT NULL, type TEXT NOT NULL, json TEXT NOT NULL);
CREATE TABLE names(key TEXT NOT NULL, entity_id TEXT NOT NULL);
CREATE INDEX names_key ON names(key);
CREATE TABLE facts(rowid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, section TEXT NOT NULL,
                   kind TEXT NOT NULL, json TEXT NOT NULL);
CREATE INDEX facts_section ON facts(section);
CREATE INDEX facts_kind ON facts(kind);
CREATE TABLE fact_entities(entity_id TEXT NOT NULL, fact INTEGER NOT NULL);
CREATE INDEX fact_entities_entity ON fact_entities(entity_id, fact);
CREATE INDEX fact_entities_fact ON fact_entities(fact);
CREATE TABLE fact_tags(tag TEXT NOT NULL, fact INTEGER NOT NULL);
CREATE INDEX fact_tags_tag ON fact_tags(tag, fact);
CREATE TABLE figures(fact INTEGER NOT NULL, idx INTEGER NOT NULL, value REAL, value_base REAL,
                     period TEXT, metric_zh TEXT, metric_en TEXT, json TEXT NOT NULL);
CREATE TABLE dated(fact INTEGER NOT NULL, start TEXT NOT NULL, end TEXT NOT NULL, period TEXT NOT NULL);
CREATE INDEX dated_start ON dated(start, end);
CREATE TABLE vocab(word TEXT PRIMARY KEY, len INTEGER NOT NULL, latin INTEGER NOT NULL) WITHOUT ROWID;
CREATE INDEX vocab_len ON vocab(latin, len);
CREATE TABLE concepts(key TEXT NOT NULL, term TEXT NOT NULL, tokens TEXT NOT NULL, script TEXT NOT NULL,
                      question INTEGER NOT NULL);
CREATE INDEX concepts_key ON concepts(key);
"""
