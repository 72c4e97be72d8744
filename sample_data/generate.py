#!/usr/bin/env python3
"""Generate the auditreport sample month: "Northwind Analytics ML Platform (sample)", October 2026.

    python sample_data/generate.py [--seed 20261001] [--digest-hours 6]

The entry point of the ``generator`` package next to this file (its docstring describes what is written and how).
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from generator import main  # noqa: E402

if __name__ == "__main__":
    raise SystemExit(main())
