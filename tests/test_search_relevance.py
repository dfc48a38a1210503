"""Relevance of ``jlp search`` on the shipped book: what a person asking wants.

Each case is a query and the facts that must come back for it, chosen by
reading facts.yaml, not by running the engine:

* ``top``: every one of these ids is among the first three results;
* ``first``: the query names one fact, and it comes first;
* ``among``: every one of the first three results is one of these (for broad
  queries, where many facts are equally right);
* ``finds``: every one of these is found at all (no limit): recall;
* ``nothing``: the query must find nothing.

``test_hit_rate`` prints the share of cases met, for the README.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

import pytest
import yaml

from jlp_cli.errors import UsageError
from jlp_cli.search.engine import ENTITY_BOOST, PHRASE_BOOST, QUESTION_BOOST, highlight_spans, search

from .conftest import SHIPPED


@lru_cache(maxsize=1)
def _facts() -> list[dict]:
    return yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))["facts"]


def zh_has(*words: str) -> frozenset[str]:
    """Ids of the facts whose Chinese text has any of ``words``."""
    return frozenset(f["id"] for f in _facts() if any(w in f["text"]["zh"] for w in words))


def en_has(*words: str) -> frozenset[str]:
    """Ids of the facts whose English text has any of ``words`` (any case)."""
    return frozenset(f["id"] for f in _facts() if any(w.lower() in f["text"]["en"].lower() for w in words))


def py_has(start: str) -> frozenset[str]:
    """Ids of the facts whose Chinese text has a syllable that starts with
    ``start`` (read by pypinyin, each character's common reading)."""
    from pypinyin import lazy_pinyin

    return frozenset(f["id"] for f in _facts() if any(s.startswith(start) for s in lazy_pinyin(f["text"]["zh"])))


def linked(entity: str) -> frozenset[str]:
    return frozenset(f["id"] for f in _facts() if entity in f["entities"])


@dataclass(frozen=True)
class Case:
    query: str
    top: tuple[str, ...] = ()
    first: str | None = None
    among: frozenset[str] | tuple[str, ...] | None = None
    finds: frozenset[str] | tuple[str, ...] = ()
    nothing: bool = False
    filters: dict = field(default_factory=dict)
    why: str = ""  # the bullet of the issue it covers

    @property
    def id(self) -> str:
        extra = ",".join(f"{k}={v}" for k, v in self.filters.items())
        return f"{self.why}:{self.query}" + (f"[{extra}]" if extra else "")


HYDROGEN_ZH = lambda: zh_has("氢能")  # noqa: E731
#: The fact that says 氢能 three times.
HYDROGEN_MOST = ("western-hydrogen-valley-components",)
HYDROGEN_VALLEY = ("western-hydrogen-valley-site", "western-hydrogen-valley-components")
YANGTZE = ("yangtze-riverside-greenery", "river-ship-horns", "western-hydrogen-valley-site")
JIULONGTAN = ("jiulongtan-square-scene", "caption-jiulongtan-square")
DIGITAL_BUILDING = ("caption-chongqing-digital-building", "chongqing-digital-building-clustering")
CLOUD = ("minzhucun-on-the-cloud-built", "minzhucun-on-the-cloud-services", "minzhucun-on-the-cloud-governance")
FOREIGN_CAPITAL = ("foreign-investment-growth-rank-2024q1", "new-foreign-enterprises-2024q1",
                   "foreign-investment-results")
HUANGJUE = ("minzhucun-huangjue-trees", "huangjue-port-and-taojia-tunnel")
SOUTHWEST_ALUMINIUM = ("southwest-aluminium-busy-plant", "southwest-aluminium-large-ingots",
                       "caption-hot-rolled-aluminium-coil")
CHINALCO = ("southwest-aluminium-busy-plant", "southwest-aluminium-large-ingots")
XINGAOYUAN = ("xingaoyuan-new-vitality", "landmarks-boost-consumption-centre", "caption-jiulong-xingaoyuan")
HUB_PORT = ("hub-port-tower-cranes", "hub-port-drives-inland-hub", "hub-port-main-front")
LAND_SEA = ("land-sea-trade-corridor", "major-strategic-opportunities")
WENHUACUN = ("old-estates-new-look", "old-estates-popular-check-in-spots")
QINGLING = ("qingling-digital-welding-workshop", "qingling-hydrogen-vehicle-cabs")
Q1_2024 = ("foreign-investment-growth-rank-2024q1", "new-foreign-enterprises-2024q1")
#: The two facts that say 九龙坡 twice (九龙坡区 … 九龙坡品牌/片区).
JIULONGPO_TWICE = ("distinctive-jiulongpo-brands", "hub-port-main-front")

CASES: list[Case] = [
    # --- simplified Chinese, one character or many -------------------------
    Case("氢能", top=HYDROGEN_MOST, among=HYDROGEN_ZH(), finds=HYDROGEN_ZH(), why="zh"),
    Case("民主村", among=zh_has("民主村"), finds=zh_has("民主村") | linked("minzhucun-community"), why="zh"),
    Case("坡", top=JIULONGPO_TWICE, among=zh_has("坡"), finds=zh_has("坡"), why="zh"),
    Case("外资", top=FOREIGN_CAPITAL, why="zh"),
    Case("火锅店", first="minzhucun-busy-shops", why="zh"),
    Case("黄桷", top=HUANGJUE, why="zh"),
    Case("离境退税", first="departure-tax-refund-stores", why="zh"),
    Case("铝合金", top=("southwest-aluminium-large-ingots", "caption-hot-rolled-aluminium-coil"), why="zh"),
    Case("数字化平台", top=CLOUD, why="zh"),
    Case("老地方", first="old-place-new-life", why="zh"),
    Case("机械臂", top=QINGLING, why="zh"),
    Case("长江", top=YANGTZE, why="zh"),
    Case("三国三园", first="three-countries-three-parks", why="zh"),
    Case("红砖", first="minzhucun-red-brick-buildings", why="zh"),
    # --- traditional Chinese ------------------------------------------------
    Case("九龍坡", top=JIULONGPO_TWICE, among=zh_has("九龙坡"), finds=zh_has("九龙坡"), why="traditional"),
    Case("重慶數字大廈", top=DIGITAL_BUILDING, why="traditional"),
    Case("營業收入", first="hydrogen-revenue-2023", why="traditional"),
    Case("離境退稅", first="departure-tax-refund-stores", why="traditional"),
    Case("鋁合金", top=("southwest-aluminium-large-ingots", "caption-hot-rolled-aluminium-coil"),
         why="traditional"),
    Case("陸海新通道", top=LAND_SEA, why="traditional"),
    Case("雲上民主村", top=CLOUD, why="traditional"),
    Case("氫能產業", among=zh_has("氢能产业"), finds=zh_has("氢能产业"), why="traditional"),
    # --- pinyin -------------------------------------------------------------
    Case("qingneng", top=HYDROGEN_MOST, among=HYDROGEN_ZH(), finds=HYDROGEN_ZH(), why="pinyin"),
    Case("qing neng", top=HYDROGEN_MOST, among=HYDROGEN_ZH(), why="pinyin"),
    Case("Qīngnéng", top=HYDROGEN_MOST, among=HYDROGEN_ZH(), why="pinyin"),
    Case("qing2neng2", top=HYDROGEN_MOST, among=HYDROGEN_ZH(), why="pinyin"),
    Case("qing2 neng2", top=HYDROGEN_MOST, among=HYDROGEN_ZH(), why="pinyin"),
    Case("jlp", top=("distinctive-jiulongpo-brands",), among=zh_has("九龙坡"), why="pinyin"),
    Case("chongq", among=zh_has("重庆"), why="pinyin"),
    Case("minzhucun", among=zh_has("民主村"), finds=zh_has("民主村"), why="pinyin"),
    Case("minzhuc", among=zh_has("民主村"), why="pinyin"),
    Case("cqszds", top=DIGITAL_BUILDING, why="pinyin"),
    Case("ljts", first="departure-tax-refund-stores", why="pinyin"),
    Case("huoguodian", first="minzhucun-busy-shops", why="pinyin"),
    Case("huo guo", first="minzhucun-busy-shops", why="pinyin"),
    Case("xibuqinggu", top=HYDROGEN_VALLEY, why="pinyin"),
    Case("Jiǔlóngtān", top=JIULONGTAN, why="pinyin"),
    Case("jiu3long2tan1", top=JIULONGTAN, why="pinyin"),
    Case("changjiang", top=YANGTZE, why="pinyin"),
    Case("lvyi", first="yangtze-riverside-greenery", why="pinyin"),
    Case("lüyi", first="yangtze-riverside-greenery", why="pinyin"),
    Case("huangj", top=HUANGJUE, why="pinyin"),
    Case("xingaoy", top=XINGAOYUAN, why="pinyin"),
    Case("taojia", top=("western-hydrogen-valley-site", "huangjue-port-and-taojia-tunnel"), why="pinyin"),
    # --- English ------------------------------------------------------------
    Case("hydrogen revenue", first="hydrogen-revenue-2023", why="english"),
    Case("Huawei", first="digital-economy-key-projects", why="english"),
    Case("land-sea corridor", top=LAND_SEA, why="english"),
    Case("aluminium", among=en_has("alumin") | zh_has("铝"), finds=en_has("aluminium"), why="english"),
    Case("aluminum", among=en_has("alumin") | zh_has("铝"), finds=en_has("aluminium"), why="english"),
    Case("IoT", first="minzhucun-on-the-cloud-built", why="english"),
    Case("Internet of Things", first="minzhucun-on-the-cloud-built", why="english"),
    Case("物联网", first="minzhucun-on-the-cloud-built", why="english"),
    Case("tax refund", first="departure-tax-refund-stores", why="english"),
    Case("tax-free shopping", first="departure-tax-refund-stores", why="english"),
    Case("renew", among=en_has("renewal", "renovat"), finds=en_has("renewal"), why="english"),
    Case("renewal", among=en_has("renewal", "renovat"), finds=en_has("renewal"), why="english"),
    Case("investment", among=en_has("invest"), finds=en_has("invest"), why="english"),
    Case("foreign investment", top=("foreign-investment-results", "foreign-investment-growth-rank-2024q1"),
         why="english"),
    Case("foreign capital", top=FOREIGN_CAPITAL, why="english"),
    Case("capital", first="lightweight-materials-capital", finds=en_has("invest"), why="english"),
    Case("hot pot", first="minzhucun-busy-shops", why="english"),
    Case("hotpot", first="minzhucun-busy-shops", why="english"),
    Case("square kilometres", first="western-hydrogen-valley-site", why="english"),
    Case("first quarter 2024", top=Q1_2024, why="english"),
    Case("cars and motorcycles", first="traditional-products-go-global", why="english"),
    Case("robotic arms", top=QINGLING, why="english"),
    Case("red-brick", first="minzhucun-red-brick-buildings", why="english"),
    Case("popular spots", first="old-estates-popular-check-in-spots", why="english"),
    Case("Ficus virens", first="minzhucun-huangjue-trees", why="english"),
    Case("consumption center", top=("landmarks-boost-consumption-centre", "one-plus-eight-platforms"),
         why="english"),
    Case("Chinese modernization", top=("article-headline", "jiulongpo-takes-the-lead"), why="english"),
    # --- numbers and mixed script -------------------------------------------
    Case("10.6", first="hydrogen-revenue-2023", why="number"),
    Case("10.6亿", first="hydrogen-revenue-2023", why="number"),
    Case("1.06 billion", first="hydrogen-revenue-2023", why="number"),
    Case("RMB1.06bn", first="hydrogen-revenue-2023", why="number"),  # a currency and a magnitude on the number
    Case("rmb1.06", first="hydrogen-revenue-2023", why="number"),
    Case("CNY1.06bn", first="hydrogen-revenue-2023", why="number"),
    # run-together Chinese split at the longest words: 商用车 / 驾驶舱, not 车驾 / 驶舱
    Case("商用车驾驶舱", top=("qingling-hydrogen-vehicle-cabs", "southwest-aluminium-busy-plant"), why="zh"),
    Case("2024Q1", top=("new-foreign-enterprises-2024q1", "foreign-investment-growth-rank-2024q1"),
         why="number"),  # a year and its quarter in one word, as the ids write it
    Case("外资 2024q1", first="foreign-investment-growth-rank-2024q1", why="number"),
    Case("1,060,000,000", first="hydrogen-revenue-2023", why="number"),
    Case("1，060，000，000", first="hydrogen-revenue-2023", why="number"),  # full-width separators
    Case("166.67", first="new-foreign-enterprises-2024q1", why="number"),
    Case("166.67%", first="new-foreign-enterprises-2024q1", why="number"),
    Case("32.5%", first="hydrogen-revenue-2023", why="number"),
    Case("2023", first="hydrogen-revenue-2023", why="number"),
    Case("２０２４", top=Q1_2024, why="number"),
    Case("5G", first="digital-economy-key-projects", why="number"),
    Case("5G融合", first="digital-economy-key-projects", why="number"),
    Case("3 km²", first="western-hydrogen-valley-site", why="number"),
    Case("3 km2", first="western-hydrogen-valley-site", why="number"),
    Case("3平方公里", first="western-hydrogen-valley-site", why="number"),
    Case("1+8", first="one-plus-eight-platforms", why="number"),
    Case("1950s", first="minzhucun-houses-built-1950s-1990s", why="number"),
    Case("20世纪50年代", first="minzhucun-houses-built-1950s-1990s", why="number"),
    # --- typos in longer English words --------------------------------------
    Case("hydrogn", among=en_has("hydrogen"), finds=en_has("hydrogen"), why="typo"),
    Case("hydrogn revenue", first="hydrogen-revenue-2023", why="typo"),
    Case("aluminim", among=en_has("alumin"), finds=en_has("aluminium"), why="typo"),
    Case("chongqng", among=en_has("chongqing"), why="typo"),
    Case("Minzhucn", among=en_has("minzhucun"), why="typo"),
    Case("Xingaoyan", top=XINGAOYUAN, why="typo"),
    Case("Huangjeu", top=HUANGJUE, why="typo"),
    Case("Wenhuacum", top=WENHUACUN, why="typo"),
    Case("Sinosinergy", first="hydrogen-major-projects", why="typo"),
    # --- entity-aware: any name or alias finds every fact of the entity -----
    Case("Sinosynergy", first="hydrogen-major-projects", why="entity"),
    Case("Chinalco", top=CHINALCO, why="entity"),
    Case("中铝", top=CHINALCO, why="entity"),
    Case("西南铝业", top=SOUTHWEST_ALUMINIUM, why="entity"),
    Case("Southwest Aluminium", top=SOUTHWEST_ALUMINIUM, why="entity"),
    Case("Jianshe factory", first="minzhucun-former-factory-housing", why="entity"),
    Case("建设厂", first="minzhucun-former-factory-housing", why="entity"),
    Case("Hydrogen Valley", top=HYDROGEN_VALLEY, why="entity"),
    Case("Wenhuacun", top=WENHUACUN, why="entity"),
    Case("Caiyunhu", first="caiyun-lake-park", why="entity"),
    Case("彩云湖", first="caiyun-lake-park", why="entity"),
    Case("CCI", first="one-plus-eight-platforms", why="entity"),
    Case("ILSTC", top=LAND_SEA, why="entity"),
    Case("Go West", top=("chongqing-strategic-fulcrum-and-hub", "major-strategic-opportunities"), why="entity"),
    Case("twin-city economic circle", first="major-strategic-opportunities", why="entity"),
    Case("Bosch", first="hydrogen-major-projects", why="entity"),
    Case("Unicom", first="digital-economy-key-projects", why="entity"),
    Case("渝", first="investment-destination", finds=linked("chongqing-municipality"), why="entity"),
    Case("Chongqing Hub Port Industrial Park", top=HUB_PORT, why="entity"),
    Case("枢纽港", top=HUB_PORT, why="entity"),
    Case("Three Countries Three Parks", first="three-countries-three-parks", why="entity"),
    Case("Qingling", top=QINGLING, finds=QINGLING + ("hydrogen-major-projects",), why="entity"),
    Case("庆铃", top=QINGLING, finds=QINGLING + ("hydrogen-major-projects",), why="entity"),
    Case("Minzhucun on the Cloud", top=CLOUD, why="entity"),
    Case("modern new Chongqing", first="contribute-to-modern-new-chongqing", why="entity"),
    Case("publicity department", first="data-source", why="entity"),
    Case("Jiulongtan", top=JIULONGTAN, why="entity"),
    Case("Yangtze", top=YANGTZE, why="entity"),
    Case("Minzhucun Community", among=linked("minzhucun-community"), finds=linked("minzhucun-community"),
         why="entity"),
    # --- filters --------------------------------------------------------------
    Case("民主村", first="caption-minzhucun-community", filters={"kind": "caption"}, why="filter"),
    Case("hydrogen", first="hydrogen-revenue-2023", filters={"kind": "statistic"}, why="filter"),
    Case("2024", first="foreign-investment-growth-rank-2024q1", filters={"entity": "chongqing-municipality"},
         why="filter"),
    Case("Jiulongpo", first="data-source", filters={"tag": "source"}, why="filter"),
    Case("aluminium", first="caption-hot-rolled-aluminium-coil", filters={"section": "captions"}, why="filter"),
    Case("hydrogen", nothing=True, filters={"section": "captions"}, why="filter"),
    # --- must find nothing ----------------------------------------------------
    Case("ong", nothing=True, why="nothing"),  # the end of long (龙), not a syllable
    Case("iang", nothing=True, why="nothing"),  # the end of jiang (江)
    Case("ingneng", nothing=True, why="nothing"),  # qingneng without its q
    # The last word of a query may be half typed: art finds article, never part (no typo of three letters).
    Case("art", among=en_has("article"), finds=en_has("article"), why="prefix"),
    Case("hydr", among=en_has("hydrogen"), finds=en_has("hydrogen"), why="prefix"),
    Case("alumin", among=en_has("alumin"), why="prefix"),
    Case("caiyun lak", first="caiyun-lake-park", why="prefix"),
    Case("qin", among=py_has("qin"), finds=py_has("qin"), why="prefix"),  # qin and qing
    Case("106", nothing=True, why="nothing"),  # not 10.6
    Case("10.7", nothing=True, why="nothing"),
    Case("2025", nothing=True, why="nothing"),
    Case("xyzzy", nothing=True, why="nothing"),
    Case("qwertyuiop", nothing=True, why="nothing"),
    Case("Tokyo", nothing=True, why="nothing"),
    Case("xylophone", nothing=True, why="nothing"),
    Case("东京", nothing=True, why="nothing"),
    Case("zzzsep", nothing=True, why="nothing"),  # what once kept names apart in the index
    Case("sep.sep", nothing=True, why="nothing"),  # what does now
    # Best match: hydrogen facts answer hydrogen 火星 (火星 is unknown to the book), but with --all
    # (strict) every word must match, and none does.
    Case("hydrogen 火星", nothing=True, filters={"strict": True}, why="nothing"),
    Case("hydrogen 火星", among=en_has("hydrogen"), why="best-match"),
    Case("火星 水星", nothing=True, why="nothing"),  # no word the book knows: nothing, best match or not
]


def _check(store, case: Case) -> list[str]:
    """What is wrong with the results of ``case`` (nothing: it passes)."""
    hits = search(store, case.query, limit=None, **case.filters)
    ids = [h.fact["id"] for h in hits]
    top3 = ids[:3]
    problems = []
    if case.nothing and ids:
        problems.append(f"should find nothing, found {ids[:5]}")
    if case.first and (not ids or ids[0] != case.first):
        problems.append(f"{case.first} should be first, got {top3}")
    missing = [i for i in case.top if i not in top3]
    if missing:
        problems.append(f"{missing} should be in the top 3 {top3}")
    if case.among is not None:
        stray = [i for i in top3 if i not in case.among]
        if stray:
            problems.append(f"{stray} in the top 3 should not be there")
    lost = sorted(set(case.finds) - set(ids))
    if lost:
        problems.append(f"{lost} should be found")
    return problems


def test_the_table_is_sound():
    known = {f["id"] for f in _facts()}
    assert len(CASES) >= 70
    assert sum(c.nothing for c in CASES) >= 8
    for case in CASES:
        named = set(case.top) | {case.first} - {None} | set(case.finds) | set(case.among or ())
        assert named <= known, (case.query, named - known)
        # Every case pins some ids down, or wants nothing.
        assert case.nothing or case.top or case.first or case.among, case.query
    for bullet in ("zh", "traditional", "pinyin", "english", "number", "typo", "entity", "filter", "nothing"):
        assert any(c.why == bullet for c in CASES), bullet


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_relevance(shipped_store, case):
    assert _check(shipped_store, case) == []


def test_hit_rate(shipped_store, capsys):
    """The share of cases met and, for the cases that name their facts, the
    mean reciprocal rank of the first of them (1.0: always first)."""
    met = sum(not _check(shipped_store, case) for case in CASES)
    ranks = []
    for case in CASES:
        wanted = [case.first] if case.first else list(case.top)
        if not wanted:
            continue
        ids = [h.fact["id"] for h in search(shipped_store, case.query, limit=None, **case.filters)]
        positions = [ids.index(i) + 1 for i in wanted if i in ids]
        ranks.append(1 / min(positions) if positions else 0.0)
    rate = met / len(CASES)
    mrr = sum(ranks) / len(ranks)
    with capsys.disabled():
        print(f"\nsearch relevance: {met}/{len(CASES)} queries met ({rate:.1%}), MRR {mrr:.3f}")
    assert rate == 1.0


# --- cases that are about scores, not lists ----------------------------------

def _scores(store, query: str) -> dict[str, float]:
    return {h.fact["id"]: h.score for h in search(store, query, limit=None)}


@pytest.mark.parametrize("rare, common", [("zhongqing", "chongqing"), ("zhangjiang", "changjiang")])
def test_rare_readings_rank_below_common_ones(shipped_store, rare, common):
    """重庆 is chongqing and 长江 changjiang: the other reading of 重 or 长
    finds them only through the rare-reading column, and lower than the
    reading everyone uses."""
    rare_scores, common_scores = _scores(shipped_store, rare), _scores(shipped_store, common)
    assert common_scores
    for fact_id, score in rare_scores.items():
        assert fact_id in common_scores and score < common_scores[fact_id], fact_id
    for hit in search(shipped_store, rare, limit=None):
        assert not any(m.column == "py" for m in hit.matches), hit.fact["id"]
    # Whatever zhongqing finds, the facts that say 重庆 best come first for chongqing.
    best_common = max(common_scores.values())
    assert all(score < best_common for score in rare_scores.values())


def test_word_forms_and_spellings_find_the_same_facts(shipped_store):
    def found(query):
        return {h.fact["id"] for h in search(shipped_store, query, limit=None)}

    assert found("renew") == found("renewal")
    assert found("aluminium") == found("aluminum")
    assert found("qingneng") == found("Qīngnéng") == found("qing2neng2")
    assert found("3 km2") == found("3 km²")


def test_the_word_typed_ranks_above_its_synonym(shipped_store):
    """capital finds the investment facts (a synonym), but below the fact
    that says capital."""
    hits = search(shipped_store, "capital", limit=None)
    assert hits[0].fact["id"] == "lightweight-materials-capital"
    assert any(m.form.kind == "synonym" for h in hits[1:] for m in h.matches)


def test_a_limit_keeps_the_order(shipped_store):
    """The best three are the same whether all results or three are asked for."""
    for case in CASES:
        everything = search(shipped_store, case.query, limit=None, **case.filters)
        three = search(shipped_store, case.query, limit=3, **case.filters)
        assert [h.fact["id"] for h in three] == [h.fact["id"] for h in everything[:3]], case.query


@pytest.mark.parametrize("query", ["", "   ", "？！。", "...", "“”", "\u3000"])
def test_empty_queries_are_a_usage_error(shipped_store, query):
    with pytest.raises(UsageError):
        search(shipped_store, query)


def test_a_long_query_is_a_usage_error(shipped_store):
    with pytest.raises(UsageError):
        search(shipped_store, "氢" * 501)


def test_explain_says_which_form_matched_where(shipped_store):
    hit = search(shipped_store, "qingneng", limit=1)[0]
    explained = hit.explain()
    assert {"match", "bm25"} <= set(explained["score_parts"])
    assert {"column": "py", "form": "pinyin", "tokens": "qing neng*"}.items() <= explained["matches"][0].items()
    assert abs(sum(explained["score_parts"].values()) - hit.score) < 0.01


@pytest.mark.parametrize("query, first, parts", [
    ("西南铝业", "southwest-aluminium", {"entity": ENTITY_BOOST, "phrase": 0.0}),  # an entity named in Chinese
    ("Southwest Aluminium", "southwest-aluminium", {"entity": ENTITY_BOOST}),  # and in English
    ("hydrogen revenue", "hydrogen-revenue-2023", {"entity": 0.0, "phrase": 0.0, "match": 10.0}),
    ("operating revenue", "hydrogen-revenue-2023", {"phrase": PHRASE_BOOST, "entity": 0.0}),  # words side by side
    ("营业 收入", "hydrogen-revenue-2023", {"phrase": PHRASE_BOOST}),
])
def test_explain_gives_each_part_of_the_score(shipped_store, query, first, parts):
    hit = search(shipped_store, query, limit=1)[0]
    assert hit.fact["id"].startswith(first)
    explained = hit.explain()["score_parts"]
    assert parts.items() <= explained.items()
    assert set(explained) == {"match", "bm25", "phrase", "entity", "early"}  # no question: no question part


def test_a_question_adds_what_it_asks_for_to_the_score(shipped_store):
    explained = search(shipped_store, "how much revenue did hydrogen make", limit=1)[0].explain()["score_parts"]
    assert 0 < explained["question"] <= QUESTION_BOOST and explained["entity"] == 0.0


@pytest.mark.parametrize("query, match", [
    ("hydorgen", {"form": "typo", "piece": "hydorgen", "note": "hydrogen", "tokens": "hydrogen", "column": "en"}),
    ("qignneng", {"form": "typo", "piece": "qignneng", "note": "qingneng", "tokens": "qing neng", "column": "py"}),
])
def test_explain_says_what_a_typo_was_taken_for(shipped_store, query, match):
    """--explain names the word a slip was read as, in English and in pinyin."""
    hit = search(shipped_store, query, limit=1)[0]
    assert match.items() <= hit.explain()["matches"][0].items()
    assert search(shipped_store, "hydrogen", limit=1)[0].explain()["matches"][0].get("note") is None  # no slip


# --- highlighting ---------------------------------------------------------------

def _highlighted(store, query: str, fact_id: str, field: str) -> list[str]:
    hit = next(h for h in search(store, query, limit=None) if h.fact["id"] == fact_id)
    text = hit.fact["text"][field]
    return [text[start:end] for start, end in highlight_spans(hit, field)]


def test_highlights_are_spans_of_the_original_text(shipped_store):
    assert _highlighted(shipped_store, "hydrogen revenue", "hydrogen-revenue-2023", "en") == ["hydrogen", "revenue"]
    assert _highlighted(shipped_store, "營業收入", "hydrogen-revenue-2023", "zh") == ["营业收入"]
    assert _highlighted(shipped_store, "10.6", "hydrogen-revenue-2023", "zh") == ["10.6"]
    assert _highlighted(shipped_store, ".6亿", "hydrogen-revenue-2023", "zh") == ["6亿"]


def test_pinyin_highlights_the_chinese_characters(shipped_store):
    assert _highlighted(shipped_store, "qingneng", "hydrogen-industry-push", "zh") == ["氢能"]
    assert _highlighted(shipped_store, "jlp", "jiulongpo-seizes-momentum", "zh") == ["九龙坡"]
    assert _highlighted(shipped_store, "chongq", "caption-chongqing-digital-building", "zh") == ["重庆"]
    # A word form or a typo is highlighted as the book spells it.
    assert _highlighted(shipped_store, "renew", "national-urban-renewal-pilot", "en") == ["renewal"]
    assert _highlighted(shipped_store, "hydrogn", "hydrogen-industry-push", "en") == ["hydrogen"]


def test_every_name_of_an_entity_finds_all_its_facts(shipped_store):
    """Entity-aware search, for every entity of the book and every name and
    alias it has: even a fact whose text uses a shorter form is found."""
    book = yaml.safe_load(SHIPPED.read_text(encoding="utf-8"))
    for entity in book["entities"]:
        facts = linked(entity["id"])
        for name in (entity["name"]["zh"], entity["name"]["en"], *entity["aliases"]):
            found = {h.fact["id"] for h in search(shipped_store, name, limit=None)}
            assert facts <= found, (entity["id"], name, sorted(facts - found))


def test_the_initials_of_an_entity_name_its_facts_do_not_spell_find_them(mini_store):
    """湖光铝业有限公司 typed as hglyyxgs: the fact's text says only 湖光铝."""
    assert [hit.fact["id"] for hit in search(mini_store, "hglyyxgs")] == ["aluminium-ingots"]


def test_words_only_the_quote_has_still_find_the_fact(shipped_store):
    """The article's own words (一派, in the quote) find a fact whose text
    says it another way."""
    hit = next(h for h in search(shipped_store, "一派", limit=None) if h.fact["id"] == "hub-port-drives-inland-hub")
    assert "一派" not in hit.fact["text"]["zh"] and "一派" in hit.fact["quote"]
    assert [m["column"] for m in hit.explain()["matches"]] == ["quote"]
