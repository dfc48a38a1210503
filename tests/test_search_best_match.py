"""Best match, never all-or-nothing (issue 10), on the engine alone.

Facts that match every word rank first; then facts that match some, the
rarest words counting most; ``strict`` (the CLI's --all) keeps every word
required; a query whose every word the book lacks finds nothing.
"""

from __future__ import annotations

import pytest
import yaml

from jlp_cli.search.engine import find, search

from .conftest import SHIPPED, book_with, open_store, read_book


def ids(hits) -> list[str]:
    return [hit.fact["id"] for hit in hits]


def test_facts_with_every_word_come_first(shipped_store):
    hits = search(shipped_store, "hydrogen revenue", limit=None)
    complete = [hit.complete for hit in hits]
    assert complete[0] and complete == sorted(complete, reverse=True)  # all the complete ones, then the rest
    assert hits[0].fact["id"] == "hydrogen-revenue-2023"
    assert not complete[-1]  # hydrogen facts without revenue follow


@pytest.mark.parametrize("query", ["dvelopment three", "many district-wide"])
def test_a_fact_with_every_word_ranks_above_a_partial_match_that_scores_higher(shipped_store, query):
    """A typo or a weak form can give a complete fact a lower score than a
    fact with only the rarer word: it still comes first."""
    hits = search(shipped_store, query, limit=None)
    complete = [hit.complete for hit in hits]
    assert True in complete and False in complete
    assert complete == sorted(complete, reverse=True)
    first_partial = complete.index(False)
    assert max(hit.score for hit in hits[first_partial:]) > min(hit.score for hit in hits[:first_partial])


def test_with_no_fact_of_every_word_the_rarest_words_count_most(tmp_path):
    """No fact has both words; the fact with the rare word ranks above the
    one with the common word, though the common one is matched more often."""
    book = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    book["facts"] = [f for f in book["facts"] if f["id"] != "hydrogen-revenue-2023"]
    path = tmp_path / "book.yaml"
    path.write_text(yaml.safe_dump(book, allow_unicode=True), encoding="utf-8")
    store = open_store(path)
    found = find(store, "hydrogen hotpot", limit=None)
    assert not found.complete and found.words == ("hydrogen", "hotpot")
    assert found.hits[0].fact["id"] == "minzhucun-busy-shops"  # hotpot: one fact; hydrogen: ten
    assert found.hits[0].unmatched == ("hydrogen",)


def test_unknown_words_leave_the_rest_to_answer(shipped_store):
    found = find(shipped_store, "what does the Chongqing Digital Building do", limit=5)
    assert found.hits[0].fact["id"] in ("chongqing-digital-building-clustering", "caption-chongqing-digital-building")
    found = find(shipped_store, "hydrogen 火星", limit=None)
    assert found.hits and not found.complete
    assert all(hit.unmatched == ("火星",) for hit in found.hits)
    assert found.hits[0].explain()["unmatched"] == ["火星"]


def test_strict_keeps_only_facts_with_every_word(shipped_store):
    assert search(shipped_store, "hydrogen 火星", limit=None, strict=True) == []
    strict = search(shipped_store, "hydrogen revenue", limit=None, strict=True)
    assert strict and all(hit.complete for hit in strict)
    loose = search(shipped_store, "hydrogen revenue", limit=None)
    assert ids(strict) == ids(loose)[:len(strict)]


@pytest.mark.parametrize("query", ["bitcoin mining", "Tesla gigafactory", "熊猫", "地铁票价", "颱風警報", "火星 水星",
                                   "earthquake", "how many bitcoins", "哪里有熊猫"])
def test_a_query_of_words_the_book_lacks_finds_nothing(shipped_store, query):
    """Question words never find anything by themselves: how many bitcoins
    is about bitcoins."""
    assert search(shipped_store, query, limit=None) == []


def test_stop_words_alone_are_searched_as_typed(shipped_store):
    """A query made only of stop or question words is no usage error: it is
    searched as typed, and finds the facts that have it (the book says 的
    and "the", never 什么)."""
    for word, field in (("the", "en"), ("的", "zh")):
        hits = search(shipped_store, word, limit=3)
        assert hits and all(word in hit.fact["text"][field].lower() for hit in hits), word
    assert search(shipped_store, "什么", limit=3) == []


def test_the_whole_phrase_ranks_above_its_parts(shipped_store):
    hits = search(shipped_store, "民主村社区火锅店", limit=3)
    assert hits[0].fact["id"] == "minzhucun-busy-shops"
    hit = search(shipped_store, "红砖建筑", limit=1)[0]
    assert hit.fact["id"] == "minzhucun-red-brick-buildings" and hit.parts["phrase"] > 0


def test_a_prefix_ranks_below_the_whole_word(shipped_store):
    """qin finds qin and qing; a fact that says a whole qin ranks above the
    ones that only start with it."""
    hits = search(shipped_store, "hydr", limit=None)
    assert hits and all("hydrogen" in hit.fact["text"]["en"].lower() for hit in hits[:3])
    whole = {hit.fact["id"]: hit.score for hit in search(shipped_store, "hydrogen", limit=None)}
    prefix = {hit.fact["id"]: hit.score for hit in hits}
    assert all(prefix[fact] < whole[fact] for fact in whole)


def test_a_swap_is_one_typo(shipped_store):
    for query, fact in (("digital economy parkign", "caiyun-lake-park"), ("Caiyun Lkae", "caiyun-lake-park"),
                        ("tusihui", "departure-tax-refund-stores"), ("fule cell", "hydrogen-major-projects")):
        assert fact in ids(search(shipped_store, query, limit=3)), query


def test_numbers_written_any_way_meet(shipped_store):
    for query in ("32.5", "三十二点五", "百分之三十二点五", "thirty-two point five", "32.5 per cent"):
        assert search(shipped_store, query, limit=1)[0].fact["id"] == "hydrogen-revenue-2023", query
    for query in ("10.6亿", "十点六亿", "1.06 billion", "1.06bn", "1060000000", "1,060,000,000"):
        assert search(shipped_store, query, limit=1)[0].fact["id"] == "hydrogen-revenue-2023", query
    for query in ("3 km2", "三平方公里", "three square km", "3 square kilometres", "3km²", "3 sq. km"):
        assert search(shipped_store, query, limit=1)[0].fact["id"] == "western-hydrogen-valley-site", query
    for query in ("RMB1.06 billion", "1.06 bln", "32.5pct"):
        assert search(shipped_store, query, limit=1)[0].fact["id"] == "hydrogen-revenue-2023", query


def test_ordinals_are_ranks(shipped_store):
    """第一, 1st and No. 1 are the first: the rank a figure gives, not the 1
    of 1+8."""
    for query in ("第一", "1st", "No.1", "No. 1", "ranked 1st"):
        assert search(shipped_store, query, limit=1)[0].fact["id"] == "foreign-investment-growth-rank-2024q1", query


def test_a_number_alone_is_a_whole_number(shipped_store):
    """6 districts is not the 6 of 166.67 or 10.6."""
    hits = search(shipped_store, "6 districts", limit=None)
    assert hits[0].fact["id"] == "six-districts-requirements" and hits[0].complete
    # Those facts say Jiulongpo District; the 6 of their numbers is no match.
    for hit in hits:
        if hit.fact["id"] in ("hydrogen-revenue-2023", "new-foreign-enterprises-2024q1"):
            assert hit.unmatched == ("6",)


def test_total_counts_what_a_limit_cuts(shipped_store):
    found = find(shipped_store, "hydrogen", limit=3)
    assert len(found.hits) == 3 and found.total() == len(search(shipped_store, "hydrogen", limit=None))
    found = find(shipped_store, "hydrogen 火星", limit=2)
    assert found.total() == len(search(shipped_store, "hydrogen 火星", limit=None))
    assert find(shipped_store, "hydrogen", limit=3, section="captions").total() == 0


def test_a_limit_of_a_few_hundred_is_that_many_results_not_all(tmp_path):
    """A limit means "all" only far beyond any book's size: --limit 150 on
    a book where 176 facts match shows 150."""
    def many_renewals(book):
        book["facts"] += [{**book["facts"][0], "id": f"renewal-{n:03}"} for n in range(175)]

    found = find(open_store(book_with(tmp_path, many_renewals)), "红砖", limit=150)
    assert len(found.hits) == 150 and found.total() == 176


def test_a_limit_keeps_the_order_of_best_matches(shipped_store):
    for query in ("hydrogen revenue", "民主村 改造", "what is huangjue port", "foreign companies 2024"):
        everything = ids(search(shipped_store, query, limit=None))
        assert ids(search(shipped_store, query, limit=3)) == everything[:3], query


@pytest.mark.parametrize("query", ["hydrogen revenue", "氢能 营业收入", "aluminium alloy 2023", "外资 企业"])
def test_the_total_a_cut_list_reports_is_what_the_whole_list_holds(shipped_store, query):
    """"showing 1 of N": N counts the same facts the search finds without a
    limit, in best match and with --all."""
    for strict in (False, True):
        found = find(shipped_store, query, 1, strict)
        assert found.total() == len(search(shipped_store, query, limit=None, strict=strict))
    assert find(shipped_store, query, 1, True).total() < find(shipped_store, query, 1, False).total()


def test_a_fact_that_names_an_entity_only_in_chinese_gets_the_entity_boost(tmp_path):
    """湖畔镇 typed, and a fact whose Chinese text names 湖畔镇 while its English
    says "the town": the Chinese name counts as the fact naming it."""
    from jlp_cli.search.engine import ENTITY_BOOST

    from .conftest import MINI

    text = MINI.read_text(encoding="utf-8").replace(
        "en: Lakeside Town launched an urban renewal project in Old Street Community",
        "en: The town launched an urban renewal project in Old Street Community").replace(
        "aliases: [Hupan, 湖畔]", "aliases: [Hupan]")  # only its name says it in Chinese
    path = tmp_path / "book.yaml"
    path.write_text(text, encoding="utf-8")
    hit = next(h for h in search(open_store(path), "湖畔镇", limit=None) if h.fact["id"] == "old-street-renewal")
    assert hit.explain()["score_parts"]["entity"] == ENTITY_BOOST  # named in the text, not only linked


def test_a_fragment_cut_from_a_number_is_a_near_match(mini_store):
    """5亿 cut from 2.5亿 finds the fact that writes 2.5亿, but the fact does
    not say 5亿: it is a near match (a terminal is told so), where 2.5亿
    itself is the word typed."""
    found = find(mini_store, "5亿", limit=None)
    assert ids(found.hits) == ["hydrogen-revenue-2022"]
    assert found.hits[0].unmatched == ("5亿",) and not found.complete
    whole = find(mini_store, "2.5亿", limit=None)
    assert ids(whole.hits) == ["hydrogen-revenue-2022"] and whole.complete


@pytest.mark.parametrize("query", ["1960", "1989"])
def test_a_figure_is_found_by_the_values_it_stands_for_though_its_text_writes_them_otherwise(mini_store, query):
    """20世纪60年代至80年代 (the 1960s to the 1980s) is 1960 to 1989 in
    years: neither number is written in the fact, both are its figure's."""
    assert ids(search(mini_store, query, limit=None)) == ["old-street-houses"]


def test_a_figure_is_found_by_its_own_period(tmp_path):
    """A figure dated apart from its fact (the fact 2022, one of its
    figures the last quarter of 2021) is found by the figure's period."""
    from .conftest import MINI

    text = MINI.read_text(encoding="utf-8")
    growth = text.index("comparison: {zh: 同比, en: year on year}")
    at = text.rindex('period: "2022"', 0, growth)
    path = tmp_path / "book.yaml"
    path.write_text(text[:at] + 'period: "2021-Q4"' + text[at + len('period: "2022"'):], encoding="utf-8")
    assert "hydrogen-revenue-2022" in ids(search(open_store(path), "2021-Q4", limit=None))


@pytest.mark.parametrize("query", ["九龙坡", "jiulongpo", "district"])
def test_results_with_the_same_score_come_in_the_order_of_their_ids(shipped_store, query):
    """Ties are many for a word in every fact; the order is the same on
    every run and every machine, not the index's."""
    hits = search(shipped_store, query, limit=None)
    ties = [(a.fact["id"], b.fact["id"]) for a, b in zip(hits, hits[1:])
            if (a.complete, a.score) == (b.complete, b.score)]
    assert ties, "the query has tied results"
    assert all(first < second for first, second in ties), ties


@pytest.mark.parametrize("query", ["106,000 万", "106,000 万元", "10.6 亿元", "1，060，000，000 元"])
def test_a_magnitude_typed_apart_from_its_number_is_still_its_magnitude(shipped_store, query):
    """106,000 万 is 1.06 billion, as 106,000万 is: tables and IMEs put a
    space before 万 or 亿, and full-width commas between the thousands."""
    hits = search(shipped_store, query, limit=None)
    assert hits[0].fact["id"] == "hydrogen-revenue-2023" and hits[0].complete


def test_a_fact_that_names_the_entity_asked_for_outranks_one_only_linked_to_it(tmp_path):
    """湖光铝业 asked: the fact that says 湖光铝 gets the whole entity boost;
    a fact linked to the company whose text never names it gets less."""
    from .conftest import MINI

    linked_only = """
  - id: alloy-exports
    section: industry
    kind: statistic
    text: {zh: 铝合金铸锭远销海外。, en: The alloy ingots are sold overseas.}
    quote: 铝合金铸锭远销海外
    entities: [lake-aluminium]
    tags: [aluminium]
"""
    path = tmp_path / "book.yaml"
    path.write_text(MINI.read_text(encoding="utf-8").rstrip("\n") + "\n" + linked_only, encoding="utf-8")
    hits = search(open_store(path), "湖光铝业有限公司", limit=None)
    assert [(hit.fact["id"], hit.parts["entity"]) for hit in hits] == [("aluminium-ingots", 3.0),
                                                                      ("alloy-exports", 1.0)]


def test_a_typo_one_letter_from_two_words_finds_the_facts_of_both(shipped_store):
    """distirct is district with two letters swapped, and one letter from
    distinct: every fact that says district is found, and the distinctive
    brands too."""
    facts = read_book()["facts"]
    district = {f["id"] for f in facts if "district" in f["text"]["en"].lower()}
    found = {hit.fact["id"] for hit in search(shipped_store, "distirct", limit=None)}
    assert len(district) > 50 and district <= found
    assert "distinctive-jiulongpo-brands" in found
