"""What every command of the command line shares: one-line messages, the options of the commands that run the
pipeline (--config, --period, --out, --debug) and loading a configuration with its period. cli.py and cli_lake.py
read it; neither defines its own."""

from __future__ import annotations

import re
from pathlib import Path

import click

from .config import load_config

OUT_DIR_KEY = "auditreport.out_dir"  # ctx.meta key: the --out of the command, the path an environment failure names
# Characters that would break a one-line message: C0/C1 controls and what str.splitlines() takes as a line break.
_LINE_BREAKING = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029]")


def one_line(text: str) -> str:
    """``text`` on one line: control characters (a newline in a file name, say) written as escapes."""
    return _LINE_BREAKING.sub(lambda m: m.group().encode("unicode_escape").decode("ascii"), str(text))


def remember_out(ctx, param, value):
    ctx.meta[OUT_DIR_KEY] = value
    return value


def common_options(f):
    f = click.option("--debug", is_flag=True, help="Show the traceback of an error.")(f)
    f = click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"),
                     show_default=True, callback=remember_out,
                     help="Output folder: reports, lake, raw evidence, audit.duckdb.")(f)  # fmt: skip
    f = click.option("--period", help="Period: a month YYYY-MM, a quarter YYYY-Qn, a year YYYY or a range of months "
                     "YYYY-MM..YYYY-MM. Default: the config's period, else last month (UTC).")(f)  # fmt: skip
    f = click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
                     help="Configuration file (TOML). Default: the bundled sample configuration.")(f)  # fmt: skip
    return f


def load_with_period(config_path, period):
    config = load_config(config_path)
    return config, config.resolve_period(period)
