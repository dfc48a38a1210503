"""python -m jlp_cli"""

from jlp_cli.cli.main import run

run()
