"""`python -m bianmin.cli_main …` runs the console script without it being on PATH."""

from bianmin.cli import main

main()
