"""The jlp commands. Each is thin: parse arguments, ask the core, emit a view.

Every command takes ``ctx`` and finds its ``Session`` there: the book (opened
when first asked for) and the output (the shared options, already chosen).
Annotations are strings (``from __future__``): a command's Typer options are
made when that command is built (see ``registry``), not all at import.
"""

from __future__ import annotations

from typing import Annotated, Optional

import typer

from .. import __version__, lookups
from ..render import views
from .context import Session
from .group import JlpGroup
from .registry import CONTEXT_SETTINGS, command, completion, evaluated

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
    add_completion=False,  # ours take the shell's name: see complete.py
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
    return typer.Option(f"--{name}", short, help=help, autocompletion=completion(complete), show_default=False,
                        metavar=name.upper())


def _version(value: bool) -> None:
    if value:
        typer.echo(f"jlp {__version__}")
        raise typer.Exit()


def main(
    ctx: typer.Context,
    version: Annotated[bool, typer.Option("--version", "-V", help="Print the version and exit.",
                                          callback=_version, is_eager=True)] = False,
) -> None:
    if ctx.invoked_subcommand is None:
        _overview(Session.of(ctx))


app.callback(invoke_without_command=True)(evaluated(main))


def _overview(session: Session) -> None:
    session.output.emit(views.overview(lookups.overview(session.book)))


@command("overview")
def overview(ctx: typer.Context) -> None:
    """The article at a glance: title, source, sections with their summaries and fact counts, headline figures.

    Example: jlp overview --lang en
    """
    _overview(Session.of(ctx))


@command("sections")
def sections(ctx: typer.Context) -> None:
    """List the sections with their titles, summaries and fact counts.

    Example: jlp sections --format tsv | cut -f2
    """
    session = Session.of(ctx)
    session.output.emit(views.sections(session.book.sections()))


@command("section")
def section(
    ctx: typer.Context,
    section_id: Annotated[str, typer.Argument(metavar="ID", help="Section id, its number, or a unique prefix.",
                                              autocompletion=completion("complete_sections"))],
) -> None:
    """One section: its summary in both languages, key figures, entities and facts.

    Example: jlp section innovation   (or: jlp section 2, jlp section inno)
    """
    session = Session.of(ctx)
    session.output.emit(views.section(session.output.lookup(lookups.section_detail, session.book, section_id)))


@command("facts")
def facts(
    ctx: typer.Context,
    section: Annotated[Optional[str], _filter("section")] = None,
    kind: Annotated[Optional[str], _filter("kind")] = None,
    entity: Annotated[Optional[str], _filter("entity")] = None,
    tag: Annotated[Optional[str], _filter("tag")] = None,
) -> None:
    """List facts; the filters combine.

    Example: jlp facts --section innovation --kind statistic
    """
    session = Session.of(ctx)
    book = session.book
    chosen = lookups.filters(book, section, kind, entity, tag)
    session.output.emit(views.facts(lookups.facts(book, **chosen)))


@command("show")
def show(
    ctx: typer.Context,
    fact_id: Annotated[str, typer.Argument(metavar="ID", help="Fact id (Tab completes it).",
                                           autocompletion=completion("complete_fact_ids"))],
) -> None:
    """One fact in full: both languages, the verbatim quote, its figures, entities and section.

    Example: jlp show hydrogen-revenue-2023
    """
    session = Session.of(ctx)
    book = session.book
    record = session.output.lookup(lookups.fact, book, fact_id)
    session.output.emit(views.show(record, book.entities_by_ids(record["entities"]), book.section(record["section"])))


@command("entities")
def entities(ctx: typer.Context, entity_type: Annotated[Optional[str], typer.Option(
        "--type", metavar="TYPE", help="Only entities of this type (place, company, …).",
        autocompletion=completion("complete_types"),
        show_default=False)] = None) -> None:
    """List the places, organisations, projects, platforms, programmes and industries.

    Example: jlp entities --type company
    """
    session = Session.of(ctx)
    session.output.emit(views.entities(lookups.entities(session.book, entity_type)))


@command("entity")
def entity(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(metavar="NAME", help="Entity id, Chinese or English name, or alias.",
                                        autocompletion=completion("complete_entities"))],
) -> None:
    """An entity card: names, aliases, type, every fact that mentions it, the entities it appears with.

    Example: jlp entity Chinalco   (or: jlp entity 中铝集团)
    """
    session = Session.of(ctx)
    session.output.emit(views.entity(session.output.lookup(lookups.entity_card, session.book, name)))


@command("figures")
def figures(
    ctx: typer.Context,
    sort: Annotated[str, typer.Option("--sort", metavar="FIELD", help="Sort by fact, metric, value, value_base or period.",
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
    session = Session.of(ctx)
    book = session.book
    chosen = lookups.filters(book, section, None, entity, tag)
    del chosen["kind"]
    session.output.emit(views.figures(lookups.figures(book, sort=sort, descending=reverse, **chosen), chart=chart))


@command("timeline")
def timeline(ctx: typer.Context) -> None:
    """The dated facts in time order, from the 1950s houses to 2024 Q1.

    Example: jlp timeline --lang en
    """
    session = Session.of(ctx)
    session.output.emit(views.timeline(lookups.timeline(session.book)))


@command("search")
def search(
    ctx: typer.Context,
    query: Annotated[list[str], typer.Argument(metavar="QUERY...", help="Words in Chinese (简/繁), pinyin, "
                                               "English or numbers; several words need no quotes.")],
    section: Annotated[Optional[str], _filter("section")] = None,
    kind: Annotated[Optional[str], _filter("kind")] = None,
    entity: Annotated[Optional[str], _filter("entity")] = None,
    tag: Annotated[Optional[str], _filter("tag")] = None,
    limit: Annotated[int, typer.Option("--limit", "-n", min=0, metavar="N", help="At most this many results (0: all).")] = 20,
    explain: Annotated[bool, typer.Option("--explain", help="Show what matched where, the parts of each score "
                                          "and the words a result leaves unmatched.")] = False,
    every_word: Annotated[bool, typer.Option("--all", help="Only facts that match every word of the query "
                                             "(for scripts); by default facts that match some of them follow.")] = False,
) -> None:
    """Search the facts; the best match comes first.

    Ask as you would ask a person: in simplified or traditional Chinese with or without spaces
    (氢能产业营收多少, 九龍坡), pinyin (qingneng, jlp, chongq), English words or questions (how big is the
    hydrogen valley), numbers in digits or words (10.6亿, 三十二点五, 1.06 billion), with typos
    (parkign) or a half-typed last word (hydr). Facts that match every word come first, then those
    that match the most important ones; --all keeps only the first kind.

    Example: jlp search qingneng --limit 3
    """
    from .searching import notes, run_search, say_notes

    session = Session.of(ctx)
    book = session.book
    chosen = lookups.filters(book, section, kind, entity, tag)
    view, found = run_search(book, " ".join(query), limit, explain, chosen,
                             highlight=not session.output.is_machine, strict=every_word)
    session.output.emit(view)
    if session.output.terminal.is_tty:
        say_notes(notes(found, limit))


@command("validate")
def validate(
    ctx: typer.Context,
    source: Annotated[Optional[str], typer.Option("--source", metavar="PATH", help="Also check every quote against this text "
                                                   "(e.g. ../shared/source/article.txt).", show_default=False)] = None,
) -> None:
    """Check a facts file: YAML, schema, ids, references, figures and (with --source) quotes.

    Reports every problem with its line and field path; exit 0 when clean, 2 otherwise.
    It never changes the file. Example: jlp validate --facts my-facts.yaml
    """
    from .file_commands import run_validate

    run_validate(Session.of(ctx), source)


@command("schema", shared=False)
def schema(
    format: Annotated[str, typer.Option("--format", "-f", help="json or yaml.")] = "json",
) -> None:
    """Print the JSON Schema of facts.yaml, for editors that check the file as you type.

    Example: jlp schema > facts.schema.json
    """
    from .file_commands import print_schema

    print_schema(format)


@command("export", shared=False)
def export(
    ctx: typer.Context,
    format: Annotated[Optional[str], typer.Option("--format", "-f", help="json (the default), yaml, or sqlite (a "
                                                  "database for Datasette or sqlite-utils).", show_default=False,
                                                  autocompletion=completion("complete_export_formats"))] = None,
    json_: Annotated[bool, typer.Option("--json", help="Short for --format json.")] = False,
    output: Annotated[Optional[str], typer.Option("--output", "-o", metavar="FILE", help="Write to this file (atomically); "
                                                  "- is standard output.", show_default=False)] = None,
    force: Annotated[bool, typer.Option("--force", help="Replace --output if it is an existing regular file.")]
    = False,
    facts: Annotated[Optional[str], typer.Option("--facts", metavar="PATH", help="Facts file to read instead of the shipped one "
                                                 "(also $JLP_FACTS).", show_default=False)] = None,
) -> None:
    """The whole fact book as one document in the shape of facts.yaml (json, yaml), or as a SQLite database.

    Examples: jlp export --format json | jq '.facts | length';
    jlp export --format sqlite -o jiulongpo.db && datasette jiulongpo.db
    """
    from .file_commands import run_export

    session = Session.of(ctx)
    session.choose({"facts": facts}, root=False)
    if format and json_ and format.lower() != "json":
        from ..errors import UsageError

        raise UsageError(f"--json and --format {format} contradict each other", hint="use one of them")
    # Given before the command (jlp --format yaml export) counts too.
    root = session.chosen
    chosen = format or ("json" if json_ or root.get("json_") else None) or root.get("format") or "json"
    run_export(session, chosen, output, force)
