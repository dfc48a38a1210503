"""The closed vocabularies of the schema, importable without pydantic.

``model.py`` builds its types from these; the CLI uses them for choices and
completion without loading the schema library.
"""

#: ids are stable, readable, kebab-case: ``hydrogen-revenue-2023``.
ID_PATTERN = r"^[a-z0-9]+(?:-[a-z0-9]+)*$"

#: When a figure or fact applies: ``2023``, ``2024-Q1``, ``2024-06``,
#: ``1950s`` (a decade), or a range of two of those: ``1950s/1990s``.
PERIOD_ATOM = r"\d{4}(?:s|-Q[1-4]|-(?:0[1-9]|1[0-2]))?"
PERIOD_PATTERN = rf"^{PERIOD_ATOM}(?:/{PERIOD_ATOM})?$"

FACT_KINDS = (
    "statistic",  # a measured number: revenue, growth, ranking
    "project",  # something being built, introduced or launched
    "place",  # what a place is or looks like
    "organisation",  # what an organisation, company or body is or does
    "policy",  # a measure, programme or guideline the district applies
    "goal",  # what the district aims to become or achieve
    "event",  # something that happened
    "description",  # a scene or a characterisation
    "slogan",  # a set phrase the article quotes or coins
    "source",  # where the article's data comes from
    "caption",  # a photo caption
)

ENTITY_TYPES = (
    "place",  # districts, communities, squares, areas, rivers, mountains
    "organisation",  # government bodies and other organisations
    "company",
    "project",  # projects and facilities being built or introduced
    "platform",  # opening-up platforms, digital platforms, parks and centres
    "programme",  # programmes, pilots and campaigns
    "industry",
    "strategy",  # national and regional strategies
    "product",
)

#: How a number written in a unit restates in a base unit: (unit, unit_base)
#: → factor (10.6 亿元 is 1,060,000,000 CNY). A figure without a unit
#: restates as itself. Units not listed here are not judged; decades (年代)
#: have a rule of their own (``book.rules.restated``).
UNIT_FACTORS = {
    ("亿元", "CNY"): 100_000_000,
    ("万元", "CNY"): 10_000,
    ("元", "CNY"): 1,
    ("%", "percent"): 1,
    ("平方公里", "km2"): 1,
    ("平方千米", "km2"): 1,
    ("公里", "km"): 1,
    ("平方米", "m2"): 1,
    ("万人", "person"): 10_000,
}
