"""python -m jlp_cli"""

import sys

from jlp_cli.cli.main import run

sys.exit(run(sys.argv[1:]))
