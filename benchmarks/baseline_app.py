"""The floor jlp is measured against: a one-command Typer app that prints one
JSON line.

It pays what every Typer CLI pays on each call (the interpreter, importing
Typer, parsing the command line) and nothing else, so "jlp takes 1.2× the
baseline" means jlp's own work costs a fifth of a bare Typer start.

    python benchmarks/baseline_app.py 氢能 --format json
    _BASELINE_COMPLETE=complete_bash COMP_WORDS="baseline hydro" COMP_CWORD=1 \\
        python benchmarks/baseline_app.py
"""

import json

import typer

IDS = ["hydrogen-industry-push", "hydrogen-revenue-2023", "western-hydrogen-valley-site"]

app = typer.Typer()


def complete_id(incomplete: str) -> list[str]:
    return [i for i in IDS if i.startswith(incomplete)]


@app.command()
def main(query: str = typer.Argument(..., autocompletion=complete_id), format: str = "table") -> None:
    print(json.dumps({"query": query, "format": format}, ensure_ascii=False))


if __name__ == "__main__":
    app(prog_name="baseline")
