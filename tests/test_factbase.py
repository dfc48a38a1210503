"""The fact base as a translator and a fact-checker sign it.

Each rule written at the top of facts.yaml is a function here that returns
what breaks it; a test runs it over the whole shipped book (it must find
nothing) and over a plausible mistake (it must find that mistake), so that no
rule passes only because it cannot fail. The schema rules of figures
(``unit_en``, ``derived``) are checked through the model and ``validate``.
"""

from __future__ import annotations

import math
import re
from types import SimpleNamespace as Record

import pytest

from jlp_cli.book.reader import validate_file, validate_text

from .conftest import MINI, SHIPPED

#: A Chinese character (what a Chinese name or alias is made of).
HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
#: Anything of Chinese script: characters, CJK and full-width punctuation (，。：（）).
CJK = re.compile(r"[\u2e80-\u2fdf\u3000-\u303f\u3040-\u30ff\u3100-\u312f\u3400-\u4dbf\u4e00-\u9fff"
                 r"\uf900-\ufaff\ufe30-\ufe4f\uff00-\uffef]")
QUOTES_AND_SPACE = re.compile(r"[\s“”\"'‘’]")


@pytest.fixture(scope="module")
def book():
    import yaml

    from jlp_cli.model import FactBook

    text = SHIPPED.read_text(encoding="utf-8")
    _count, problems = validate_text(text)
    assert problems == [], problems
    return FactBook.model_validate(yaml.safe_load(text))


def plain(name: str) -> str:
    """A Chinese name as names are compared: 中老泰“三国三园” is 中老泰三国三园."""
    return QUOTES_AND_SPACE.sub("", name)


def fact(fact_id="f", kind="goal", zh="九龙坡区", en="Jiulongpo District", entities=(), figures=()):
    return Record(id=fact_id, kind=kind, text=Record(zh=zh, en=en), entities=list(entities), figures=list(figures))


def entity(entity_id, zh, en, *aliases):
    return Record(id=entity_id, name=Record(zh=zh, en=en), aliases=list(aliases))


# --- (a) goals state an aim, in both languages ---------------------------------------------

#: An aim or a modal in English: "aims to", "strives to", "will", "is to", "efforts to become".
EN_AIM = re.compile(r"\b(?:aims?|aiming|strives?|striving|seeks?|seeking|intends?|efforts?)\s+to\b"
                    r"|\b(?:will|is to|are to)\b|\baim of\b", re.I)
#: A perfect or past auxiliary: what is done, not what is aimed at.
EN_DONE = re.compile(r"\b(?:has|have|had|was|were|did)\b", re.I)
#: An aim in Chinese: 将, 旨在, 致力于, 力求, 力争, 着力, 奋力, 全力, 努力, 目标.
ZH_AIM = re.compile("将|旨在|致力|力求|力争|着力|奋力|全力|努力|目标")
#: Completion: 已, 已经, 建成, 完成, 实现了.
ZH_DONE = re.compile("已|建成|完成|实现了")


def modality_problems(facts) -> list[tuple[str, str]]:
    problems = []
    for record in facts:
        if record.kind != "goal":
            continue
        if not EN_AIM.search(record.text.en):
            problems.append((record.id, "en states no aim (aims to, strives to, will, is to …)"))
        if EN_DONE.search(record.text.en):
            problems.append((record.id, "en states the aim as done (has, was …)"))
        if not ZH_AIM.search(record.text.zh):
            problems.append((record.id, "zh states no aim (致力于, 旨在, 力求, 将 …)"))
        if ZH_DONE.search(record.text.zh):
            problems.append((record.id, "zh states the aim as done (已, 建成, 完成 …)"))
    return problems


def test_goals_state_an_aim_in_both_languages(book):
    goals = [f for f in book.facts if f.kind == "goal"]
    assert len(goals) >= 15  # the rule is about the article's many aims, not a handful
    assert modality_problems(book.facts) == []


@pytest.mark.parametrize("zh, en", [
    ("民主村片区城市更新项目解决好居民关切的实际问题。", "The district has solved residents' concerns."),
    ("民主村片区城市更新项目解决好居民关切的实际问题。", "The project solves the practical problems that concern residents."),
    ("九龙坡区已建成成渝氢走廊枢纽。", "Jiulongpo District has built a hub of the corridor and will keep it."),
])
def test_the_modality_rule_catches_a_goal_stated_as_done(zh, en):
    assert modality_problems([fact(zh=zh, en=en)])
    assert modality_problems([fact(zh=zh, en=en, kind="description")]) == []


# --- (b) an alias names the same thing -------------------------------------------------------

#: Chinese designators of a part or a facility: a name that differs from another by one of
#: these names a different thing (重庆枢纽港产业园 + 九龙坡片区 is a part of the park).
#: Administrative suffixes (市, 区, 社区) and company forms (集团, 有限公司) are not among them:
#: 九龙坡 is 九龙坡区, 中铝 is 中铝集团.
ZH_PARTS = ("片区", "板块", "广场", "中心", "园", "基地", "大厦", "商店", "枢纽")
#: The same in English, grouped where translators use the words for one thing (板块: area or block).
EN_PARTS = {"area": "area", "block": "area", "square": "square", "plaza": "square", "centre": "centre",
            "center": "centre", "park": "park", "base": "base", "building": "building", "store": "store",
            "shop": "store", "hub": "hub"}

#: Names that belong to something else than any entity of the book, reviewed one by one: the
#: mechanical rules below cannot know that "Bosch" is a company of its own.
NOT_AN_ALIAS = {
    "bosch": "Robert Bosch GmbH; the project is Bosch Qingling's",
    "博世": "Robert Bosch GmbH; the project is Bosch Qingling's",
    "china unicom": "the telecom operator that set up the 5G centre",
    "中国联通": "the telecom operator that set up the 5G centre",
    "huawei": "the company behind Huawei Cloud",
    "华为": "the company behind Huawei Cloud",
    "huawei cloud": "Huawei's cloud business, which set up the government application centre",
    "华为云": "Huawei's cloud business, which set up the government application centre",
    "chongqing hub port industrial park": "the whole park; Jiulongpo has an area of it",
    "重庆枢纽港产业园": "the whole park; Jiulongpo has an area of it",
    "枢纽港产业园": "the whole park; Jiulongpo has an area of it",
    "民主村片区": "the renewal area, not the community itself",
    "minzhucun area": "the renewal area, not the community itself",
    "彩云湖": "the lake the digital economy park is named after",
    "caiyun lake": "the lake the digital economy park is named after",
    "九龙滩": "the riverside place the square is named after",
    "jiulongtan": "the riverside place the square is named after",
    "陶家": "the place the Taojia area is named after",
    "taojia": "the place the Taojia area is named after",
    "离境退税": "the tax-refund scheme, not the stores",
    "全区": "'the whole district': a word of the sentence, not a name",
}


def folded(name: str) -> str:
    return " ".join(QUOTES_AND_SPACE.sub(" ", name).casefold().split())


def words(name: str) -> list[str]:
    return re.findall(r"[\w][\w'+-]*", name.casefold())


def _en_part(word: str) -> str | None:
    return EN_PARTS.get(word) or (EN_PARTS.get(word[:-1]) if word.endswith("s") else None)


def _zh_part(text: str) -> str | None:
    return next((p for p in sorted(ZH_PARTS, key=len, reverse=True) if text.endswith(p)), None)


def _find(seq: list, sub: list) -> int:
    return next((i for i in range(len(seq) - len(sub) + 1) if seq[i:i + len(sub)] == sub), -1)


def _zh_scope(alias: str, name: str) -> str | None:
    a, n = plain(alias), plain(name)
    if a == n:
        return None
    if a in n:
        if _zh_part(n[n.index(a) + len(a):]):
            return f"names the whole that {name} is part of"
        return None
    if n in a:
        return f"names a part of {name}" if _zh_part(a[a.index(n) + len(n):]) else None
    stem = _common_prefix(a, n)
    if stem >= 2:
        part = _zh_part(a[stem:])
        if part and n[stem:] and part not in n[stem:]:
            return f"names another {part} than {name}"
    return None


def _en_scope(alias: str, name: str) -> str | None:
    a, n = words(alias), words(name)
    if not a or a == n:
        return None
    at = _find(n, a)
    if at >= 0:
        after, before = n[at + len(a):], n[:at]
        # "… Park Jiulongpo Area", or "Jiulongpo Area of the … Park": the alias is the whole.
        if after and _en_part(after[-1]):
            return f"names the whole that {name} is part of"
        if any(word == "of" and _en_part(before[i - 1]) for i, word in enumerate(before) if i):
            return f"names the whole that {name} is part of"
        return None
    at = _find(a, n)
    if at >= 0:
        after = a[at + len(n):]
        return f"names a part of {name}" if after and _en_part(after[-1]) else None
    stem = _common_prefix(a, n)
    if stem and a[stem:] and n[stem:]:
        part = _en_part(a[-1])
        if part and part not in {_en_part(w) for w in n[stem:]}:
            return f"names another {part} than {name}"
    return None


def _common_prefix(a, b) -> int:
    """How many leading characters (or words) ``a`` and ``b`` share."""
    length = 0
    while length < min(len(a), len(b)) and a[length] == b[length]:
        length += 1
    return length


def alias_problems(entities) -> list[tuple[str, str, str]]:
    """(entity id, alias, what is wrong) for every alias that does not name its entity."""
    problems = []
    owners: dict[str, set[str]] = {}
    for record in entities:
        for name in (record.name.zh, record.name.en, *record.aliases):
            owners.setdefault(folded(name), set()).add(record.id)
    for record in entities:
        own = {folded(record.name.zh), folded(record.name.en)}
        names = [record.name.zh, record.name.en, *record.aliases]
        for alias in record.aliases:
            key = folded(alias)
            if key in own:
                problems.append((record.id, alias, "repeats the entity's own name"))
            if owners[key] - {record.id}:
                problems.append((record.id, alias, f"is also a name of {sorted(owners[key] - {record.id})}"))
            if key in NOT_AN_ALIAS:
                problems.append((record.id, alias, NOT_AN_ALIAS[key]))
            for other in names:
                if other is alias or bool(HAN.search(other)) != bool(HAN.search(alias)):
                    continue
                scope = _zh_scope(alias, other) if HAN.search(alias) else _en_scope(alias, other)
                if scope:
                    problems.append((record.id, alias, scope))
    return problems


def test_every_alias_names_its_entity_and_nothing_else(book):
    assert alias_problems(book.entities) == []


@pytest.mark.parametrize("record, wrong", [
    # The mistakes the bilingual review sent back, one of each kind.
    (entity("hub-port", "重庆枢纽港产业园九龙坡片区", "Jiulongpo Area of the Chongqing Hub Port Industrial Park",
            "重庆枢纽港产业园"), "重庆枢纽港产业园"),
    (entity("hub-port", "重庆枢纽港产业园九龙坡片区", "Jiulongpo Area of the Chongqing Hub Port Industrial Park",
            "Hub Port Industrial Park"), "Hub Port Industrial Park"),
    (entity("unicom", "中国联通(重庆)5G融合创新中心", "China Unicom (Chongqing) 5G Convergence Innovation Center",
            "联通"), "联通"),
    (entity("unicom", "中国联通(重庆)5G融合创新中心", "China Unicom (Chongqing) 5G Convergence Innovation Center",
            "China Unicom (Chongqing)"), "China Unicom (Chongqing)"),
    (entity("community", "民主村社区", "Minzhucun Community", "民主村片区"), "民主村片区"),
    (entity("community", "民主村社区", "Minzhucun Community", "Minzhucun Area"), "Minzhucun Area"),
    (entity("corridor", "成渝氢走廊", "Chengdu-Chongqing Hydrogen Corridor", "成渝氢走廊枢纽"), "成渝氢走廊枢纽"),
    (entity("park", "彩云湖数字经济产业园", "Caiyun Lake Digital Economy Industrial Park", "Caiyun Lake"),
     "Caiyun Lake"),
    (entity("engine", "博世庆铃氢燃料电池发动机", "Bosch Qingling hydrogen fuel-cell engine project", "Bosch"), "Bosch"),
    (entity("valley", "西部氢谷", "Western Hydrogen Valley", "西部氢谷"), "西部氢谷"),
])
def test_the_alias_rule_catches_a_name_of_something_else(record, wrong):
    found = alias_problems([record])
    assert found and all(alias == wrong for _id, alias, _why in found), found


def test_the_alias_rule_keeps_short_forms_of_the_same_thing():
    fine = [
        entity("district", "九龙坡区", "Jiulongpo District", "Jiulongpo", "九龙坡"),
        entity("community", "民主村社区", "Minzhucun Community", "Minzhucun", "民主村", "Minzhu Village Community"),
        entity("company", "西南铝业(集团)有限责任公司", "Southwest Aluminum (Group) Co., Ltd.", "西南铝", "Southwest Aluminium"),
        entity("hub", "内陆开放综合枢纽", "inland comprehensive hub for opening-up", "inland opening-up hub"),
        entity("square", "九龙滩广场", "Jiulongtan Square", "Jiulongtan Plaza"),
    ]
    assert alias_problems(fine) == []


def test_an_alias_of_two_entities_is_refused():
    found = alias_problems([entity("a", "中国联通(重庆)5G融合创新中心", "China Unicom (Chongqing) 5G Centre", "5G中心"),
                            entity("b", "华为云(重庆)政务应用创新中心", "Huawei Cloud (Chongqing) Centre", "5G中心")])
    assert {(i, why) for i, _alias, why in found} >= {("a", "is also a name of ['b']"), ("b", "is also a name of ['a']")}


# --- (c) a worked-out base value is marked derived -------------------------------------------

def restated(figure) -> tuple[float, float | None] | None:
    """The written number restated in the base unit (the checker's own rule,
    ``book.rules.restated``), or None when the figure is an expression (1+8)
    that has no single written number. Raises KeyError for a unit pair no
    one reviewed: the shipped book may only use reviewed ones."""
    from jlp_cli.book.rules import restated as restate

    if figure.value is None:
        return None
    found = restate(figure)
    if found is None:
        raise KeyError((figure.unit, figure.unit_base))
    return found


def _same(a, b) -> bool:
    return (a is None and b is None) or (a is not None and b is not None and math.isclose(a, b, rel_tol=1e-12))


def derivation_problems(facts) -> list[tuple[str, str, str]]:
    problems = []
    for record in facts:
        for figure in record.figures:
            where = (record.id, figure.as_written)
            if figure.value_base is None:
                if figure.derived:
                    problems.append((*where, "derived, but there is no value_base"))
                continue
            try:
                written = restated(figure)
            except KeyError as unit:
                problems.append((*where, f"no reviewed restatement for {unit}: add it to restated()"))
                continue
            is_restatement = written is not None and _same(written[0], figure.value_base) \
                and _same(written[1], figure.value_base_end)
            if figure.derived and is_restatement:
                problems.append((*where, "a written number restated is not derived"))
            if not figure.derived and not is_restatement:
                problems.append((*where, "value_base is not the written number restated: mark it derived "
                                         "(or fix it)"))
    return problems


def test_worked_out_values_are_marked_derived(book):
    assert derivation_problems(book.facts) == []
    derived = [(f.id, g.as_written) for f in book.facts for g in f.figures if g.derived]
    assert derived == [("one-plus-eight-platforms", "1+8")]


def _figure(**fields):
    base = dict(value=None, value_end=None, components=[], unit=None, value_base=None, value_base_end=None,
                unit_base=None, derived=False, as_written="x")
    return Record(**{**base, **fields})


@pytest.mark.parametrize("figure", [
    _figure(components=[1, 8], value_base=9, unit_base="platform", as_written="1+8"),  # a sum shown as written
    _figure(value=10.6, unit="亿元", value_base=106_000_000, unit_base="CNY", as_written="10.6亿元"),  # 10× off
    _figure(value=10.6, unit="亿元", value_base=1_060_000_000, unit_base="CNY", derived=True, as_written="10.6亿元"),
    _figure(value=50, value_end=90, unit="年代", value_base=1950, value_base_end=1990, unit_base="year",
            as_written="20世纪50年代至90年代"),  # the 1990s end in 1999
    _figure(value=3, unit="公顷", value_base=0.03, unit_base="km2", as_written="3公顷"),  # a unit no one reviewed
])
def test_the_derivation_rule_catches_a_value_shown_as_written(figure):
    assert derivation_problems([fact(figures=[figure])])


# --- (d) one linking rule ----------------------------------------------------------------------

def linked(record, entities) -> set[str]:
    """The facts.yaml rule: every entity whose Chinese name or a Chinese alias occurs in the
    fact's text.zh, also inside a longer name (博世庆铃 names 庆铃)."""
    text = plain(record.text.zh)
    return {e.id for e in entities
            if any(plain(n) in text for n in (e.name.zh, *(a for a in e.aliases if HAN.search(a))))}


def link_problems(facts, entities) -> list[tuple[str, list[str], list[str]]]:
    """(fact id, missing links, extra links)."""
    problems = []
    for record in facts:
        want, have = linked(record, entities), set(record.entities)
        if want != have or len(record.entities) != len(have):
            problems.append((record.id, sorted(want - have), sorted(have - want)))
    return problems


def test_every_fact_links_exactly_the_entities_its_chinese_text_names(book):
    assert link_problems(book.facts, book.entities) == []


def test_links_inside_a_longer_name_count():
    entities = [entity("qingling-motors", "庆铃汽车(集团)有限公司", "Qingling Motors", "庆铃"),
                entity("bosch-qingling", "博世庆铃氢燃料电池发动机", "Bosch Qingling engine", "博世庆铃"),
                entity("guohong", "国鸿氢能", "Guohong Hydrogen Energy")]
    projects = fact(zh="九龙坡区引进了博世庆铃氢燃料电池发动机、国鸿氢能科技产业园等重大项目。",
                    entities=["bosch-qingling", "guohong"])
    assert link_problems([projects], entities) == [(projects.id, ["qingling-motors"], [])]
    projects.entities.append("qingling-motors")
    assert link_problems([projects], entities) == []
    projects.entities.append("qingling-motors")  # twice
    assert link_problems([projects], entities)


def test_a_link_the_text_does_not_name_is_refused():
    entities = [entity("square", "九龙滩广场", "Jiulongtan Square"), entity("yangtze", "长江", "Yangtze River")]
    horns = fact(zh="长江江面传来汽笛声，汇入岸上响起的游客欢笑声。", entities=["yangtze", "square"])
    assert link_problems([horns], entities) == [(horns.id, [], ["square"])]


# --- (e) English is English ------------------------------------------------------------------

def english_fields(data, path=""):
    """(path, text) of every English field of a dumped book: the en of each bilingual text,
    and unit_en. Aliases are in any language and are not English fields."""
    if isinstance(data, dict):
        if set(data) == {"zh", "en"}:
            yield path + ".en", data["en"]
            return
        for key, value in data.items():
            if key == "unit_en" and value is not None:
                yield f"{path}.{key}", value
            elif key != "aliases":
                yield from english_fields(value, f"{path}.{key}" if path else key)
    elif isinstance(data, list):
        for index, value in enumerate(data):
            yield from english_fields(value, f"{path}[{index}]")


#: A number restated in brackets after itself: "3 square kilometres (3 km²)".
BRACKETED_NUMBER = re.compile(r"\(\s*[\d.,]+")


def english_problems(data) -> list[tuple[str, str]]:
    problems = []
    for path, text in english_fields(data):
        if CJK.search(text):
            problems.append((path, f"Chinese script in English: {CJK.findall(text)}"))
        if BRACKETED_NUMBER.search(text):
            problems.append((path, "a number restated in brackets"))
    return problems


def test_english_fields_hold_no_chinese_script(book):
    dumped = book.model_dump()
    fields = dict(english_fields(dumped))
    # Every kind of English field is reached: texts, names, summaries, metrics, comparisons, units.
    for part in ("article.title.en", "sections[0].summary.en", "entities[0].name.en", "facts[0].text.en",
                 "].metric.en", "].comparison.en", "].unit_en"):
        assert any(part in path for path in fields), part
    assert english_problems(dumped) == []


@pytest.mark.parametrize("en", [
    "Operating revenue of 1.06 billion yuan (10.6亿元), up 32.5%.",
    "Jiulongpo District，a district of Chongqing.",
    "On a site of 3 square kilometres (3 km²).",
])
def test_the_english_rule_catches_chinese_and_restated_numbers(en):
    assert english_problems({"facts": [{"text": {"zh": "九龙坡区", "en": en}}]})


def test_the_english_rule_reads_units_and_metrics_too():
    assert english_problems({"facts": [{"figures": [{"unit": "亿元", "unit_en": "亿元"}]}]})
    assert english_problems({"facts": [{"figures": [{"metric": {"zh": "面积", "en": "area (平方公里)"}}]}]})
    assert english_problems({"entities": [{"aliases": ["中铝"], "name": {"zh": "中铝集团", "en": "Chinalco"}}]}) == []


# --- the schema of figures: unit_en and derived -----------------------------------------------

def _mini_without(line: str) -> str:
    text = MINI.read_text(encoding="utf-8")
    assert line in text
    return text.replace(line, "", 1)


def test_a_unit_without_unit_en_is_refused_with_a_clear_problem(tmp_path):
    text = _mini_without("        unit_en: 100 million yuan\n")
    _book, problems = validate_text(text)
    assert [(p.message, p.path) for p in problems] == \
        [("a figure with a unit needs unit_en (the unit in English)", "facts[2].figures[0]")]
    assert problems[0].line == text.splitlines().index("      - metric: {zh: 氢能产业营业收入, en: hydrogen industry "
                                                       "operating revenue}") + 1
    # The streaming reader (jlp validate, the store build) refuses the same.
    path = tmp_path / "book.yaml"
    path.write_text(text, encoding="utf-8")
    count, problems = validate_file(path)
    assert count is None and [p.message for p in problems] == \
        ["a figure with a unit needs unit_en (the unit in English)"]


def test_unit_en_without_a_unit_is_refused():
    text = MINI.read_text(encoding="utf-8").replace(
        "        value: 1\n        unit: 位\n        unit_en: place\n", "        value: 1\n        unit_en: place\n")
    _book, problems = validate_text(text)
    assert [p.message for p in problems] == ["unit_en needs unit (the unit as the article writes it)"]


def test_a_sum_of_components_must_be_marked_derived():
    from pydantic import ValidationError

    from jlp_cli.model import Figure

    written = dict(metric={"zh": "平台数", "en": "number of platforms"}, components=[1, 8], value_base=9,
                   unit_base="platform", as_written="1+8")
    with pytest.raises(ValidationError, match="a value_base worked out from components is derived"):
        Figure.model_validate(written)
    assert Figure.model_validate({**written, "derived": True}).derived is True
    assert Figure.model_validate({**written, "value_base": None, "unit_base": None}).derived is False


def test_the_new_fields_sit_next_to_what_they_describe():
    from jlp_cli.model import Figure

    order = list(Figure.model_fields)
    assert order.index("unit_en") == order.index("unit") + 1
    assert order.index("derived") == order.index("unit_base") + 1


def test_every_figure_with_a_unit_says_it_in_english(book):
    units = {(g.unit, g.unit_en) for f in book.facts for g in f.figures if g.unit}
    assert units == {("亿元", "100 million yuan"), ("%", "%"), ("平方公里", "km²"), ("年代", "20th-century decades")}
