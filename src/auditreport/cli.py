"""The command line: a thin layer over the library. Parses arguments, calls runner, prints, sets the exit code."""

from __future__ import annotations

import os
import sys
import traceback
from pathlib import Path
from typing import NoReturn

import click

from . import __version__
from .cli_common import OUT_DIR_KEY, common_options, load_with_period, one_line, remember_out
from .cli_lake import lake
from .config import load_config
from .errors import AuditReportError, environment_failure
from .results import EXIT_BROKEN_PIPE, EXIT_CONFIG, EXIT_CRASH, EXIT_INTERRUPTED

SEVERITY_CHOICE = click.Choice(["critical", "high", "medium", "low", "info"])


def _progress():
    """Objects and bytes per source on a terminal; silent under a scheduler (stderr not a TTY)."""
    from .extract.progress import ProgressReporter

    return ProgressReporter(sys.stderr)


def _fail(message: str, code: int) -> NoReturn:
    click.echo(f"auditreport: error: {one_line(message)}", err=True)
    sys.exit(code)


def _freeze_heap_at_exit() -> None:
    """At the process's end, before the interpreter's last garbage collections: ``gc.freeze()``, so that those
    collections skip what the command left on the heap. A run ends with millions of objects (the report's layout):
    walking them took 0.6-5 s after the last output was written (measured on the sample month), time no one waits
    for. Memory goes back to the system with the process; every file and connection is closed by then."""
    import atexit
    import gc

    atexit.unregister(gc.freeze)  # once, however many commands this process runs (tests run many)
    atexit.register(gc.freeze)


class _Group(click.Group):
    """The single error boundary: every way out of the command line is an exit code of README's table and, for an
    error, one line on stderr (``--debug`` adds the traceback)."""

    def main(self, args=None, prog_name=None, complete_var=None, standalone_mode=True, **extra):
        if not standalone_mode:
            return super().main(args, prog_name, complete_var, standalone_mode, **extra)
        _freeze_heap_at_exit()
        try:
            rv = super().main(args, prog_name, complete_var, standalone_mode=False, **extra)
        except click.exceptions.NoArgsIsHelpError as e:
            click.echo(e.ctx.get_help())
            _fail("no command given (see 'auditreport --help')", EXIT_CONFIG)
        except click.ClickException as e:  # UsageError, BadParameter, NoSuchOption, ...: click's three lines -> one
            where = "auditreport" + (f" {e.ctx.info_name}" if getattr(e, "ctx", None) and e.ctx.parent else "")
            _fail(f"{e.format_message().rstrip('.')} (see '{where} --help')", EXIT_CONFIG)
        except click.exceptions.Abort:  # Ctrl-C, or end of input at a prompt
            click.echo("auditreport: interrupted", err=True)
            sys.exit(EXIT_INTERRUPTED)
        sys.exit(rv if isinstance(rv, int) else 0)

    def invoke(self, ctx):
        debug = "--debug" in sys.argv[1:]
        try:
            return super().invoke(ctx)
        except (click.exceptions.Exit, click.exceptions.Abort, click.ClickException):
            raise
        except BrokenPipeError:  # stdout's reader stopped reading (`auditreport sql ... | head`): not an error
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # so the exit's flush does not fail again
            ctx.exit(EXIT_BROKEN_PIPE)
        except AuditReportError as e:
            if debug:
                traceback.print_exc()
            click.echo(f"auditreport: error: {one_line(str(e))}", err=True)
            ctx.exit(e.exit_code)
        except Exception as e:  # noqa: BLE001 - the one place that turns a crash into exit code 4 (or 5)
            if debug:
                traceback.print_exc()
            env = environment_failure(e, ctx.meta.get(OUT_DIR_KEY))
            if env is not None:  # no space, no permission, a read-only file system: the machine's fault, not a bug
                click.echo(f"auditreport: error: {one_line(str(env))}", err=True)
                ctx.exit(env.exit_code)
            first = str(e).strip().splitlines()[0] if str(e).strip() else ""
            click.echo(f"auditreport: unexpected error: {type(e).__name__}: {one_line(first)} "
                       "(run with --debug for the traceback)", err=True)  # fmt: skip
            ctx.exit(EXIT_CRASH)


_EPILOG = """Exit codes: 0 complete; 1 a check at or above --fail-on failed; 2 report written but incomplete;
3 usage or configuration error; 4 a bug (report it with --debug); 5 environment failure (output folder not writable,
disk full, permission denied, output folder used by another run); 130 interrupted; 141 output pipe closed early."""


@click.group(cls=_Group, context_settings={"help_option_names": ["-h", "--help"]}, epilog=_EPILOG)
@click.version_option(__version__, prog_name="auditreport")
def main():
    """Monthly compliance reports for ML platforms on AWS and MLflow."""


@main.command()
@common_options
@click.option("--fail-on", type=SEVERITY_CHOICE, help="Exit 1 when a check at or above this severity fails.")
@click.option("--evidence-rows", type=click.IntRange(1, 10000), default=25, show_default=True,
              help="Evidence rows per check shown in the PDF/HTML (all rows go to evidence/*.csv).")  # fmt: skip
@click.option("--no-extract", "no_extract", is_flag=True,
              help="Fetch nothing: check and report over what earlier runs (a daily 'extract') put in --out.")
@click.option("--engine", type=click.Choice(["duckdb", "spark"]),
              help="What runs the checks (default: the config's [engine] name, else duckdb); spark needs the spark "
                   "extra and Java.")  # fmt: skip
def run(config_path, period, out_dir, debug, fail_on, evidence_rows, no_extract, engine):
    """Extract, load, check and report one period (a month, quarter, year or range of months)."""
    from .load.worker_pool import prestart_cloudtrail_workers

    config, period = load_with_period(config_path, period)
    if engine and engine != config.engine.name:
        config.engine = type(config.engine)(name=engine)  # the configuration's master is for its own engine
    prestart_cloudtrail_workers(config, fetch=not no_extract)  # their start-up beside this one's imports
    from .runner import run as run_pipeline

    result = run_pipeline(config, period, out_dir, progress=_progress(), evidence_row_cap=evidence_rows,
                          fail_on=fail_on, fetch=not no_extract)  # fmt: skip
    _print_summary(result)
    sys.exit(result.exit_code(fail_on))


@main.command()
@common_options
def extract(config_path, period, out_dir, debug):
    """Extract and load the lake only: no checks, no report (for daily extraction, monthly reporting)."""
    from .load.worker_pool import prestart_cloudtrail_workers

    config, period = load_with_period(config_path, period)
    prestart_cloudtrail_workers(config)  # their start-up beside this one's imports
    from .runner import extract as extract_only

    result = extract_only(config, period, out_dir, progress=_progress())
    for s in result.sources:
        click.echo(f"  {s.name:<11} {s.status:<14} objects {s.objects_read:>6} loaded {s.objects_loaded:>6} "
                   f"skipped {s.objects_skipped:>6} quarantined {s.objects_quarantined:>4}  {s.detail}")  # fmt: skip
    click.echo(f"lake: {out_dir / 'lake'}")
    sys.exit(0 if all(s.status in ("ok", "not_configured") for s in result.sources) else 2)


@main.group(invoke_without_command=True)
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Configuration file: its checks_dir and frameworks_dir are listed too. Default: the sample's.")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "json", "markdown"]), default="table", show_default=True,
              help="markdown: the table README.md shows.")  # fmt: skip
@click.pass_context
def checks(ctx, debug, config_path, fmt):
    """List the check catalogue: id, severity, title, frameworks ('checks test' runs the checks' cases)."""
    import json

    ctx.obj = {"config_path": config_path}
    if ctx.invoked_subcommand is not None:
        return
    catalogue = _catalogue(config_path)
    if fmt == "json":
        click.echo(json.dumps([{"id": c.id, "domain": c.domain, "origin": c.origin, "severity": c.severity,
                                "kind": c.kind, "title": c.title, "frameworks": c.frameworks, "requires": c.requires,
                                **({"error": c.load_error} if c.load_error else {})}
                               for c in catalogue.checks], indent=1))  # fmt: skip
        return
    if fmt == "markdown":
        click.echo(checks_markdown(catalogue.checks))
        return
    for c in catalogue.checks:
        fw = ", ".join(f"{k}:{'/'.join(v)}" for k, v in sorted(c.frameworks.items()))
        if c.load_error:
            fw = f"ERROR {c.load_error}"
        click.echo(f"{c.id:<44} {c.severity:<9} {c.title}\n{'':<44} {'':<9} {fw}")


def _catalogue(config_path, user_checks_dir=None):
    """The catalogue a run with this configuration would use (the user's checks of ``user_checks_dir`` instead of
    the configuration's checks_dir when given)."""
    from .checks.catalogue import load_catalogue

    config = load_config(config_path)
    return load_catalogue(user_frameworks_dir=config.frameworks_dir,
                          user_checks_dir=user_checks_dir or config.checks_dir)  # fmt: skip


@checks.command("test")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.argument("paths", nargs=-1, type=click.Path(exists=True, path_type=Path))
@click.pass_context
def checks_test(ctx, debug, paths):
    """Run the test cases (<check_id>.yaml beside each .sql) of the checks in PATHS: check files, case files or
    folders. A folder outside the built-in catalogue is read as a checks_dir. Without PATHS: every check, the
    configuration's checks_dir included. Exit 0 when every case passes, 1 otherwise."""
    from .checks.cases import run_all_cases
    from .checks.frameworks import default_queries_dir

    config_path = ctx.obj["config_path"]
    config = load_config(config_path)
    targets = [p.resolve() for p in paths]
    builtin = default_queries_dir().resolve()
    outside = [t for t in targets if not t.is_relative_to(builtin)]
    if config.checks_dir is not None and all(t.is_relative_to(config.checks_dir) for t in outside):
        user_dir = config.checks_dir
    elif len({(t if t.is_dir() else t.parent) for t in outside}) <= 1:
        user_dir = next(((t if t.is_dir() else t.parent) for t in outside), config.checks_dir)
    else:
        raise click.UsageError("check files outside the built-in catalogue must be in one folder (a checks_dir)")
    catalogue = _catalogue(config_path, user_dir)

    def chosen(c) -> bool:
        sql = Path(c.path).resolve()
        return not targets or any(sql == t or sql.with_suffix(".yaml") == t or sql.is_relative_to(t) for t in targets)

    selected = [c for c in catalogue.checks if chosen(c)]
    if not selected:
        raise click.UsageError(f"no check found in {', '.join(str(p) for p in paths)}")
    outcomes = run_all_cases(catalogue, selected)
    for o in outcomes:
        click.echo(f"{'PASS' if o.ok else 'FAIL'}  {o.check.domain}/{o.check.id}: {o.name}")
        for problem in o.problems:
            click.echo("\n".join(f"      {line}" for line in problem.splitlines()))
    failed = sum(not o.ok for o in outcomes)
    click.echo(f"{len(outcomes)} case(s) of {len(selected)} check(s): {len(outcomes) - failed} passed, {failed} failed")
    sys.exit(1 if failed else 0)


def checks_markdown(checks) -> str:
    """The catalogue as the Markdown table of README.md's "Checks" section: one row per check, in catalogue order."""
    lines = ["| check | severity | what it verifies |", "| --- | --- | --- |"]
    lines += [f"| `{c.domain}/{c.id}` | {c.severity} | {c.title.replace('|', chr(92) + '|')} |" for c in checks]
    return "\n".join(lines)


@main.command()
@click.option("--out", "out_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("out"), show_default=True,
              callback=remember_out, help="The output folder of a finished run (opened read-only).")  # fmt: skip
@click.option("--format", "fmt", type=click.Choice(["table", "csv", "json"]), default="table", show_default=True)
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
@click.argument("query", required=False)
def sql(out_dir, fmt, debug, query):
    """Run QUERY against a finished run's lake, or open a SQL prompt when no QUERY is given.

    Read-only: the lake and audit.duckdb are opened for reading, no file outside the lake can be read, and statements
    that write or change settings (COPY, EXPORT, ATTACH, CREATE, INSERT, SET, INSTALL, ...) are refused."""
    from .sql_shell import open_lake, run_query, shell

    con = open_lake(out_dir)
    if query:
        run_query(con, query, fmt, click.echo)
    else:
        shell(con, fmt, click.echo)


@main.command()
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
@click.option("--trust", "trust", multiple=True, type=click.Path(dir_okay=False, path_type=Path),
              help="A certificate (PEM or DER) the PDF's signer must chain to; may be given more than once.")
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="The run's configuration: with [signing] in it, report.pdf must be signed.")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
def verify(folder, trust, config_path, debug):
    """Check a finished run's output FOLDER: the manifest's seal, the SHA-256 of every output it lists, the inputs
    and findings digests, and report.pdf's signature. Exit 0 when everything holds, 1 when something does not."""
    from .verify import verify as verify_folder

    expect_signature = load_config(config_path).signing is not None if config_path else False
    outcome = verify_folder(folder, list(trust), expect_signature=expect_signature)
    for check in outcome.checks:
        click.echo(one_line(check.line()))
    first = outcome.first_failure
    if first is None:
        click.echo(f"verified: {folder} holds what its run wrote")
        sys.exit(0)
    click.echo(one_line(f"auditreport: verify failed: {first.file}: {first.what}"), err=True)
    sys.exit(1)


def _split_list(ctx, param, values) -> list[str]:
    """A list option given once per value, comma-separated, or both: ``--accounts 1,2 --accounts 3``."""
    return [v.strip() for value in values for v in value.split(",") if v.strip()]


@main.command()
@click.option("--output", "output", type=click.Path(dir_okay=False, path_type=Path), default=Path("auditreport.toml"),
              show_default=True, help="Where to write the configuration; an existing file is never overwritten.")
@click.option("--organisation", default="Example Corp ML Platform", show_default=True, help="Shown on the report's cover.")
@click.option("--accounts", multiple=True, callback=_split_list, help="Audited AWS account ids (comma-separated or repeated).")
@click.option("--regions", multiple=True, callback=_split_list, help="Regions to read (comma-separated or repeated).")
@click.option("--trail-bucket", help="The CloudTrail bucket, s3://BUCKET[/PREFIX] (the folder above AWSLogs/).")
@click.option("--organization-id", help="The organisation id (o-...) of an organisation trail.")
@click.option("--bucket-account", help="The account that owns the trail bucket, when not the first of --accounts.")
@click.option("--role-arn", default="arn:aws:iam::{account}:role/AuditReportReader", show_default=True,
              help="The role assumed in each account ({account} is substituted); '' for the credentials as they are.")
@click.option("--profile", help="A named profile of ~/.aws/config.")
@click.option("--external-id", help="The external id the role's trust policy requires, if any.")
@click.option("--mlflow-uri", help="The MLflow tracking server (REST API).")
@click.option("--dataset-buckets", multiple=True, callback=_split_list, help="S3 buckets holding training data.")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
def init(output, debug, **estate):
    """Write a commented configuration for your estate, checked by loading it back. Never overwrites a file."""
    from .starter_config import Estate, write_starter_config

    path = write_starter_config(output, Estate(**{k: (v or None) if isinstance(v, str) else v for k, v in estate.items()}))
    click.echo(f"wrote {path}: review [policy], then: auditreport run --config {path} --out DIR")


@main.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Configuration file (TOML). Default: the bundled sample configuration.")
@click.option("--period", help="The period whose evidence must be there. Default: the config's period, else last month.")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
def preflight(config_path, period, debug):
    """Can the credentials reach every configured source? One cheap read call per source, account and region; the
    trail bucket's day folders for the period; the MLflow REST API. One line per source and a summary; exit 0 when
    every source answered, 2 when one is denied, unreachable or holds no evidence for the period. Writes nothing."""
    from .preflight import preflight as run_preflight

    config, period = load_with_period(config_path, period)
    result = run_preflight(config, period)
    for line in result.lines():
        click.echo(one_line(line))
    sys.exit(result.exit_code)


def _print_summary(result) -> None:
    counts = result.status_counts()
    click.echo(f"auditreport {result.tool_version} run {result.run_id} for {result.organisation}, {result.period}")
    for s in result.sources:
        click.echo(f"  source {s.name:<11} {s.status:<14} {s.detail}")
    click.echo("  checks: " + ", ".join(f"{v} {k}" for k, v in counts.items() if v))
    for c in sorted((c for c in result.checks if c.status == "fail"), key=lambda c: ["critical", "high", "medium", "low", "info"].index(c.check.severity)):
        click.echo(f"  FAIL {c.check.severity:<8} {c.check.id} ({c.counts['fail']} row(s))")
    if not result.complete:
        click.echo("  INCOMPLETE: " + "; ".join(result.incomplete_reasons[:5]), err=True)
    for key in ("report_pdf", "report_sql_pdf", "report_html", "findings_json", "findings_sarif", "junit_xml", "findings_ocsf",
                "assessment_results_oscal"):
        if key in result.outputs:
            click.echo(f"  {Path(result.outputs[key]).name}: {result.outputs[key]}")


main.add_command(lake)


if __name__ == "__main__":  # pragma: no cover
    main()
