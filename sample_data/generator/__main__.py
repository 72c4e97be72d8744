"""``python -m generator`` from ``sample_data/``: the same as ``python sample_data/generate.py``."""

from .cli import main

raise SystemExit(main(prog="python -m generator"))
