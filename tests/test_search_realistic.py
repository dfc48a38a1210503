"""Realistic queries (issue 10): how well ``jlp search`` answers what people type.

The suite is data, tests/search_suite/realistic.yaml (its header says how the
queries were written and what ``first``, ``top3`` and ``nothing`` mean); the
scoring is tests/search_suite/harness.py, which benchmarks/relevance.py uses
too. The engine does not yet do what issue 10 asks, so:

* the score must not fall below what the engine reached when the suite was
  written (``REQUIRED_HITS``, ``REQUIRED_MRR``);
* every case that passed then must still pass; the cases that failed are listed
  in ``KNOWN_MISSES``, and may go on failing. A case of the list that passes
  is named in the test's output: take it off the list, so that it is guarded
  too.
"""

from __future__ import annotations

import re
from functools import lru_cache

import pytest
import yaml

from jlp_cli.errors import UsageError
from jlp_cli.search.engine import search

from .conftest import SHIPPED
from .search_suite.harness import KINDS, PERSONAS, RealisticCase, judge, load_realistic, score
from .test_search_relevance import CASES as KEYWORD_CASES
from .test_search_relevance import _check

# What the engine reached when the suite was written: 82 of 214 cases, MRR 0.368.
# Issue 10 raises this to at least 95% of the cases (204 of 214) and an MRR of at least 0.9.
REQUIRED_HITS = 81
REQUIRED_MRR = 0.36

REALISTIC = load_realistic()

#: The cases the engine fails today (all of them find nothing, or the wrong facts
#: first); issue 10 is to make them pass. Grouped by cause in the report of the suite.
KNOWN_MISSES = frozenset({
    # The square is no longer said to be by the Yangtze (the article does not say it): no fact has both words.
    "square by the yangtze",
    'how much money did hydrogen make in 2023',
    'hydrogen sales growth',
    'how fast did the hydrogen business grow',
    'who owns southwest aluminium',
    'what is the digital building used for',
    'which tech companies came to the digital economy park',
    'shipping goods by rail and river',
    'startup incubation',
    'foreign direct investment',
    'how many new foreign companies were set up',
    'where does jiulongpo rank for FDI growth',
    'is jiulongpo top in chongqing for foreign capital',
    'fuel cell engine plant',
    'robots welding hydrogen trucks',
    'robot arms at the carmaker',
    'aluminium ingot output',
    'aluminum coil picture',
    'lightweight materials hub',
    'what is in the hydrogen valley',
    'how big is the hydrogen valley',
    'duty free shopping for tourists',
    'land and sea trade route',
    'who is the source of this article',
    'propaganda department',
    'when were the houses in minzhucun built',
    'old water pipes',
    'which factory did minzhu village belong to',
    'e-government cloud',
    'car and motorbike exports',
    'conferences and trade fairs',
    'talent and finance',
    'what does the aluminium company make',
    'internet famous spots',
    'grow the aluminium supply chain',
    'when did the minzhucun renewal start',
    'what is huangjue port',
    'who builds hydrogen trucks',
    'grassroots governance efficiency',
    'support for private businesses',
    'fixing roads but keeping the history',
    "from workers' dormitories to a fashionable neighbourhood",
    'old shops and new shops living together',
    'Chongqing Hub Port main base for opening up',
    'city brands',
    'smart gadgets in the neighbourhood',
    'internet of things platform for residents',
    '氢能产业营收多少',
    '2023年氢能收入是多少',
    '氢能增速是多少',
    '外企数量增长多少',
    '实际利用外资排名第几',
    '一季度外资增速排第几',
    '数字大厦有什么功能',
    '民主村怎么改造的',
    '民主村房子哪年建的',
    '民主村以前是什么地方',
    '云上民主村是什么',
    '云上民主村提供哪些服务',
    '高端铝产业集群',
    '华为云政务中心',
    '联通5G创新中心',
    '彩云湖产业园引进了哪些项目',
    '黄桷港是什么项目',
    '陶家隧道建设',
    '西部氢谷在哪里',
    '西部氢谷面积多大',
    '氢谷包括哪些园区',
    '博世庆铃氢燃料电池项目',
    '国鸿氢能产业园',
    '成渝氢走廊枢纽建设',
    '十百千万工程是什么',
    '退税店',
    '离境退税商店建设进展',
    '1+8开放平台有哪些',
    '四链融合是指什么',
    '九龙坡是否是全国首批城市更新试点',
    '文化村社区怎么样',
    '庆铃汽车焊接车间',
    '西南铝生产什么产品',
    '新质生产力发展情况',
    '六个区建设要求是什么',
    '数据来源是哪里',
    '汽摩出海',
    '民主村有哪些配套设施',
    '国际消费中心城市建设',
    '外资企业增长率',
    '引进了哪些氢能项目',
    '铝产业链补链强链',
    '社区管道老化问题',
    'hydr',
    'hydrogen reven',
    'caiyun lak',
    'qingneng yingy',
    'departure tax ref',
    'alumin',
    'xibu qingug',
    'huoguodain',
    'lijing tusihui',
    'digital economy parkign',
    'Jiulongtan Sqaure',
    'Huawie cloud',
    'Caiyun Lkae',
    'tax refnud stores',
    'Taojai tunnel',
    'fule cell engine',
    '166.67 per cent',
    '百分之一百六十六点六七',
    '三十二点五',
    '32.5 percent',
    '百分之三十二点五',
    'RMB 1.06bn',
    '十点六亿元',
    '三平方公里',
    'three square km',
    '2024年第一季度',
    '上世纪五十年代',
    'No. 1 for foreign investment growth',
    '外资增速排名第一',
    'one plus eight platforms',
    '6 districts',
    '3 roles',
    '4 chains',
    '民主村社區火鍋店',
    '氫能產業營業收入',
    '長江邊的廣場',
    '九龍新高園在哪裡',
    '外資企業數量增長',
    'where to eat hotpot',
    'boat whistles on the yangtze',
    'banyan trees on the street',
    'shopping landmark',
    'green and pleasant in summertime',
})


@lru_cache(maxsize=1)
def _facts() -> list[dict]:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))["facts"]


def jlp_search(store):
    """jlp's engine as the harness wants it: every fact found, best first."""
    def run(query: str, **filters) -> list[str]:
        return [hit.fact["id"] for hit in search(store, query, limit=None, **filters)]
    return run


# --- the suite itself -------------------------------------------------------------

def test_every_named_fact_exists():
    known = {fact["id"] for fact in _facts()}
    for case in REALISTIC:
        assert set(case.wanted()) <= known, (case.query, set(case.wanted()) - known)


def test_the_suite_is_sound():
    assert len(REALISTIC) >= 130
    queries = [case.query for case in REALISTIC]
    assert len(queries) == len(set(queries)), "a query is in the suite twice"
    for case in REALISTIC:
        assert case.kind in KINDS and case.persona in PERSONAS, case.query
        assert (case.kind == "nothing") == case.nothing, case.query
    # Every kind of user and every kind of query is there, several times.
    for persona in PERSONAS:
        assert sum(case.persona == persona for case in REALISTIC) >= 20, persona
    for kind in KINDS:
        assert sum(case.kind == kind for case in REALISTIC) >= 3, kind
    assert KNOWN_MISSES <= set(queries), KNOWN_MISSES - set(queries)


def test_nothing_queries_name_nothing_the_book_says():
    """A query that must find nothing has no word that the book has (in any
    letter case; for Chinese, no two characters in a row), so that a search
    finding something for it is wrong."""
    book = SHIPPED.read_text(encoding="utf-8").lower()
    for case in REALISTIC:
        if not case.nothing:
            continue
        for word in re.findall(r"[a-z0-9]+", case.query.lower()):
            assert not re.search(rf"\b{word}\b", book), (case.query, word)
        for run in re.findall(r"[\u4e00-\u9fff]+", case.query):
            pairs = {run[i:i + 2] for i in range(len(run) - 1)}
            assert not [pair for pair in pairs if pair in book], (case.query, pairs)


# --- the harness --------------------------------------------------------------------

def test_the_harness_scores_by_the_rules():
    cases = [
        RealisticCase("a", kind="name", persona="analyst", first=("x", "y")),
        RealisticCase("b", kind="name", persona="analyst", top3=("z",)),
        RealisticCase("c", kind="nothing", persona="analyst", nothing=True),
        RealisticCase("d", kind="name", persona="analyst", first=("x",)),
        RealisticCase("e", kind="name", persona="analyst", first=("x",)),
    ]
    results = {"a": ["y", "x"], "b": ["p", "q", "z", "r"], "c": [], "d": ["p", "x"]}

    def fake(query):
        if query == "e":
            raise UsageError("no words")
        return results[query]

    result = score(fake, cases, errors=(UsageError,))
    assert [o.hit for o in result.outcomes] == [True, True, True, False, False]
    assert (result.hits, result.total) == (3, 5)
    # 1 (a: y is first) + 1/3 (b) + 1/2 (d) + 0 (e raised), over the 4 cases that want facts.
    assert result.mrr == pytest.approx((1 + 1 / 3 + 1 / 2 + 0) / 4)
    assert [f.query for f in result.failures] == ["d", "e"]
    assert result.failures[0].got == ("p", "x") and "UsageError" in result.failures[1].got[0]
    assert result.by("kind") == {"name": (2, 4), "nothing": (1, 1)}
    assert judge(cases[2], ["x"]) == (False, None)


def test_the_harness_judges_the_keyword_suite_as_its_own_test_does(shipped_store):
    run = jlp_search(shipped_store)
    for case in KEYWORD_CASES:
        hit, _rank = judge(case, run(case.query, **case.filters))
        assert hit == (not _check(shipped_store, case)), case.query


def test_load_refuses_a_case_without_exactly_one_rule(tmp_path):
    path = tmp_path / "suite.yaml"
    path.write_text("cases:\n  - {query: q, first: [a], top3: [b], kind: name, persona: analyst}\n")
    with pytest.raises(ValueError, match="exactly one"):
        load_realistic(path)


# --- jlp on the suite ------------------------------------------------------------------

def test_no_case_that_passed_fails_now(shipped_store, capsys):
    """A regression guard: every case not in KNOWN_MISSES must pass."""
    result = score(jlp_search(shipped_store), REALISTIC, errors=(UsageError,))
    missed = {failure.query for failure in result.failures}
    regressed = [str(failure) for failure in result.failures if failure.query not in KNOWN_MISSES]
    assert regressed == [], "cases that passed fail now:\n" + "\n".join(regressed)
    fixed = sorted(KNOWN_MISSES - missed)
    if fixed:
        with capsys.disabled():
            print(f"\n{len(fixed)} of KNOWN_MISSES pass now; take them off the list so that they stay guarded: "
                  + ", ".join(map(repr, fixed)))


def test_realistic_score(shipped_store, capsys):
    result = score(jlp_search(shipped_store), REALISTIC, errors=(UsageError,))
    with capsys.disabled():
        print(f"\nrealistic search suite: {result.hits}/{result.total} cases met ({result.rate:.1%}), "
              f"MRR {result.mrr:.3f}")
    assert result.hits >= REQUIRED_HITS
    assert result.mrr >= REQUIRED_MRR
