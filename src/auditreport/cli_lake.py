"""``auditreport lake``: the lake for engines other than DuckDB: its table definitions for Athena (``ddl``) and the
CloudTrail ingest on Spark (``ingest``). Registered on the main command group by cli.py."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from .cli_common import common_options, load_with_period, one_line


@click.group()
def lake():
    """The lake for other engines: its tables for Athena (ddl), the CloudTrail ingest on Spark (ingest)."""


@lake.command("ddl")
@click.option("--engine", type=click.Choice(["athena"]), default="athena", show_default=True,
              help="The engine whose table definitions to print.")
@click.option("--location", help="The lake's S3 folder, the one holding a folder per table: s3://BUCKET/PREFIX/lake "
              "(default: a stand-in to replace).")  # fmt: skip
@click.option("--database", help="The database (Glue Data Catalog) to create the tables in. Default: auditreport.")
@click.option("--out", "out_dir", type=click.Path(file_okay=False, exists=True, path_type=Path),
              help="A run's output folder whose lake/ goes to --location: its folders Athena would not read are named.")
@click.option("--debug", is_flag=True, help="Show the traceback of an error.")
def lake_ddl(engine, location, database, out_dir, debug):
    """Print the statements that make the lake on S3 queryable by ENGINE: one CREATE EXTERNAL TABLE per lake table,
    with partition projection (no MSCK REPAIR), and the shared check views in Trino's dialect. Exit 0; 2 when a view
    cannot be written in Trino's dialect, or a folder of --out's lake is outside the partition projection (each named
    on stderr, every statement that can be written printed)."""
    from .engines.athena_ddl import UNREACHABLE, athena_ddl, render

    ddl = athena_ddl(location, database, lake_root=out_dir / "lake" if out_dir else None)
    click.echo(render(ddl), nl=False)
    for name, why in ddl.not_written:
        click.echo(one_line(f"auditreport: view {name} not written: {why}"), err=True)
    for folder in ddl.unreachable:
        click.echo(one_line(f"auditreport: {UNREACHABLE.format(folder=folder)}"), err=True)
    sys.exit(0 if ddl.complete else 2)


@lake.command("ingest")
@common_options
@click.option("--engine", type=click.Choice(["spark"]), default="spark", show_default=True,
              help="The engine that reads the CloudTrail log objects ('auditreport extract' is the one-machine loader).")
@click.option("--master", help="Spark master URL (default local[2]; under spark-submit, the one it was given).")
@click.option("--partitions", type=click.IntRange(1), help="Spark tasks (default: one per 64 MB of log objects, "
              "at least one per core).")  # fmt: skip
def lake_ingest(config_path, period, out_dir, debug, engine, master, partitions):
    """Load the CloudTrail source's log objects of the period into OUT/lake with Spark: the same files, provenance,
    quarantine and exactly-once bookkeeping as 'auditreport extract' writes."""
    from .engines.spark_ingest import ingest
    from .engines.spark_session import spark_session

    config, period = load_with_period(config_path, period)
    result = ingest(lambda: spark_session(master, app_name="auditreport-ingest"), config, period, out_dir,
                    partitions=partitions)  # fmt: skip
    click.echo(f"  cloudtrail ({engine}, {result.tasks} tasks) objects {result.objects} loaded {result.loaded} "
               f"skipped {result.skipped} quarantined {result.quarantined} changed {result.changed}; records loaded "
               f"{result.records_loaded} quarantined {result.records_quarantined}; digest files {result.digests}")
    for line in result.errors:  # an s3 source's day prefixes refused, accounts silent, digests not downloaded
        click.echo(f"  partial: {one_line(line)}")
    click.echo(f"lake: {result.lake_root}")
    sys.exit(2 if result.errors else 0)
