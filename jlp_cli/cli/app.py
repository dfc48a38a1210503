"""The jlp commands. Each is thin: parse arguments, ask the core, emit a view.

Annotations are strings (``from __future__``): a command's Typer options are
made when that command is built (see ``registry``), not all at import.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .. import __version__, queries
from ..render import views
from .main import JlpGroup
from .output import Output, data_command, with_output
from .registry import CONTEXT_SETTINGS, command, completion
from .session import open_book

EPILOG = (
    "Exit status: 0 found/ok · 1 nothing found (no hit, unknown id or name, empty result; "
    "stdout still holds valid empty output) · 2 usage error or unusable facts file · 130 interrupted."
)

app = typer.Typer(
    name="jlp",
    cls=JlpGroup,
    help="Explore the facts of an article about Jiulongpo District, Chongqing: sections, entities, "
    "figures, a timeline, and search in Chinese, pinyin or English.\n\n"
    "Run jlp alone for an overview. Example: jlp search 氢能",
    epilog=EPILOG,
    no_args_is_help=False,
    rich_markup_mode=None,
    pretty_exceptions_enable=False,
    context_settings=CONTEXT_SETTINGS,
)

#: The shared fact filters: short option, help, completion function.
FILTERS = {
    "section": ("-s", "Only facts of this section (id, number or prefix).", "complete_sections"),
    "kind": ("-k", "Only facts of this kind (statistic, project, …).", "complete_kinds"),
    "entity": ("-e", "Only facts that mention this entity (id or any name).", "complete_entities"),
    "tag": ("-t", "Only facts with this tag.", "complete_tags"),
}


def _filter(name: str):
    """The option of a shared filter, made when a command that has it is built
    (annotations are strings, evaluated then: see the module docstring)."""
    short, help, complete = FILTERS[name]
    return typer.Option(f"--{name}", short, help=help, autocompletion=completion(complete), show_default=False)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jlp {__version__}")
        raise typer.Exit()


def main(
    ctx: typer.Context,
    out: Output,
    version: Annotated[bool, typer.Option("--version", "-V", help="Print the version and exit.",
                                          callback=_version, is_eager=True)] = False,
) -> None:
    if ctx.invoked_subcommand is None:
        overview_of(out)


def overview_of(out: Output) -> None:
    out.emit(views.overview(queries.overview(open_book(out))))


app.callback(invoke_without_command=True)(with_output(main))


@data_command("overview")
def overview(out: Output) -> None:
    """The article at a glance: title, source, sections with their summaries and fact counts, headline figures.

    Example: jlp overview --lang en
    """
    overview_of(out)


@data_command("sections")
def sections(out: Output) -> None:
    """List the sections with their titles, summaries and fact counts.

    Example: jlp sections --format tsv | cut -f2
    """
    out.emit(views.sections(open_book(out).sections()))


@data_command("section")
def section(
    section_id: Annotated[str, typer.Argument(metavar="ID", help="Section id, its number, or a unique prefix.",
                                              autocompletion=completion("complete_sections"))],
    out: Output,
) -> None:
    """One section: its summary in both languages, key figures, entities and facts.

    Example: jlp section innovation   (or: jlp section 2, jlp section inno)
    """
    out.emit(views.section(out.lookup(queries.section_detail, open_book(out), section_id)))


@data_command("facts")
def facts(
    out: Output,
    section: Annotated[Optional[str], _filter("section")] = None,
    kind: Annotated[Optional[str], _filter("kind")] = None,
    entity: Annotated[Optional[str], _filter("entity")] = None,
    tag: Annotated[Optional[str], _filter("tag")] = None,
) -> None:
    """List facts; the filters combine.

    Example: jlp facts --section innovation --kind statistic
    """
    book = open_book(out)
    chosen = queries.filters(book, section, kind, entity, tag)
    out.emit(views.facts(queries.facts(book, **chosen)))


@data_command("show")
def show(
    fact_id: Annotated[str, typer.Argument(metavar="ID", help="Fact id (Tab completes it).",
                                           autocompletion=completion("complete_fact_ids"))],
    out: Output,
) -> None:
    """One fact in full: both languages, the verbatim quote, its figures, entities and section.

    Example: jlp show hydrogen-revenue-2023
    """
    book = open_book(out)
    record = out.lookup(queries.fact, book, fact_id)
    out.emit(views.show(record, book.entities_by_ids(record["entities"]), book.section(record["section"])))


@data_command("entities")
def entities(out: Output, entity_type: Annotated[Optional[str], typer.Option(
        "--type", help="Only entities of this type (place, company, …).", autocompletion=completion("complete_types"),
        show_default=False)] = None) -> None:
    """List the places, organisations, projects, platforms, programmes and industries.

    Example: jlp entities --type company
    """
    out.emit(views.entities(queries.entities(open_book(out), entity_type)))


@data_command("entity")
def entity(
    name: Annotated[str, typer.Argument(metavar="NAME", help="Entity id, Chinese or English name, or alias.",
                                        autocompletion=completion("complete_entities"))],
    out: Output,
) -> None:
    """An entity card: names, aliases, type, every fact that mentions it, the entities it appears with.

    Example: jlp entity Chinalco   (or: jlp entity 中铝集团)
    """
    out.emit(views.entity(out.lookup(queries.entity_card, open_book(out), name)))


@data_command("figures")
def figures(
    out: Output,
    sort: Annotated[str, typer.Option("--sort", help="Sort by fact, metric, value, value_base or period.",
                                      autocompletion=completion("complete_figure_sorts"))] = "fact",
    reverse: Annotated[bool, typer.Option("--reverse", "-r", help="Largest or latest first.")] = False,
    section: Annotated[Optional[str], _filter("section")] = None,
    entity: Annotated[Optional[str], _filter("entity")] = None,
    tag: Annotated[Optional[str], _filter("tag")] = None,
    chart: Annotated[bool, typer.Option("--chart/--no-chart", help="Draw growth rates as bars (tables only).")] = True,
) -> None:
    """Every number in the article: metric, value, unit, base value, period and fact.

    Example: jlp figures --sort value_base --reverse
    """
    book = open_book(out)
    chosen = queries.filters(book, section, None, entity, tag)
    del chosen["kind"]
    out.emit(views.figures(queries.figures(book, sort=sort, descending=reverse, **chosen), chart=chart))


@data_command("timeline")
def timeline(out: Output) -> None:
    """The dated facts in time order, from the 1950s houses to 2024 Q1.

    Example: jlp timeline --lang en
    """
    out.emit(views.timeline(queries.timeline(open_book(out))))


@data_command("search")
def search(
    query: Annotated[str, typer.Argument(metavar="QUERY", help="Chinese (简/繁), pinyin, English or numbers.")],
    out: Output,
    section: Annotated[Optional[str], _filter("section")] = None,
    kind: Annotated[Optional[str], _filter("kind")] = None,
    entity: Annotated[Optional[str], _filter("entity")] = None,
    tag: Annotated[Optional[str], _filter("tag")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, help="At most this many results (0: all).")] = 20,
    explain: Annotated[bool, typer.Option("--explain", help="Show what matched where and the parts of each score.")] = False,
) -> None:
    """Search the facts; the best match comes first.

    Understands simplified and traditional Chinese (氢能, 九龍坡), pinyin (qingneng, jlp, chongq),
    English (hydrogen revenue), numbers (10.6, ２０２４) and typos in longer English words.

    Example: jlp search qingneng --limit 3
    """
    from .searching import run_search

    book = open_book(out)
    chosen = queries.filters(book, section, kind, entity, tag)
    out.emit(run_search(book, query, limit, explain, chosen, highlight=not out.is_machine))


@data_command("validate")
def validate(
    out: Output,
    source: Annotated[Optional[str], typer.Option("--source", help="Also check every quote against this text "
                                                   "(e.g. ../shared/source/article.txt).", show_default=False)] = None,
) -> None:
    """Check a facts file: YAML, schema, ids, references, figures and (with --source) quotes.

    Reports every problem with its line and field path; exit 0 when clean, 2 otherwise.
    It never changes the file. Example: jlp validate --facts my-facts.yaml
    """
    from .checking import run_validate

    run_validate(out, source)


@command("schema")
def schema(
    format: Annotated[str, typer.Option("--format", "-f", help="json or yaml.")] = "json",
) -> None:
    """Print the JSON Schema of facts.yaml, for editors that check the file as you type.

    Example: jlp schema > facts.schema.json
    """
    from .checking import print_schema

    print_schema(format)


@data_command("export")
def export(
    out: Output,
    output: Annotated[Optional[str], typer.Option("--output", "-o", help="Write to this file (atomically).",
                                                  show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Overwrite --output if it exists.")] = False,
) -> None:
    """The whole fact book as one document (json or yaml) in the shape of facts.yaml.

    Example: jlp export --format json | jq '.facts | length'
    """
    from .checking import run_export

    run_export(out, output, force)
