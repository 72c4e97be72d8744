"""``spark-submit`` entry point of the Spark CloudTrail ingest: ``auditreport lake ingest --engine spark`` as a file
Spark can be handed (absolute imports only, so it runs as a script as well as ``python -m``).

    spark-submit --master yarn "$(python -c 'import auditreport.engines.spark_submit as m; print(m.__file__)')" \\
        --config auditreport.toml --period 2026-10 --out /mnt/audit

The arguments are those of ``auditreport lake ingest``. Without ``--master``, the master spark-submit was given is
used (the session would otherwise default to local mode).
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    from auditreport.cli import main as cli

    args = list(sys.argv[1:] if argv is None else argv)
    if "--master" not in args and os.environ.get("PYSPARK_GATEWAY_PORT"):  # launched by spark-submit
        from pyspark import SparkConf, SparkContext

        SparkContext._ensure_initialized()  # joins spark-submit's JVM, whose system properties hold its settings
        submitted = SparkConf().get("spark.master", None)
        if submitted:
            args += ["--master", submitted]
    cli(["lake", "ingest", *args], prog_name="auditreport")


if __name__ == "__main__":
    main()
