"""The Spark session the engines share: UTC, account ids kept as strings when read from Hive partitions."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.parquet as pq


def test_session_is_utc(spark):
    assert spark.conf.get("spark.sql.session.timeZone") == "UTC"
    row = spark.sql("select cast(timestamp'2026-10-01 00:00:00' as string) as t").collect()[0]
    assert row.t == "2026-10-01 00:00:00"


def test_hive_partition_account_ids_stay_strings(spark, tmp_path):
    part = tmp_path / "events" / "account=012345678901"
    part.mkdir(parents=True)
    pq.write_table(pa.table({"n": [1]}), part / "part-0.parquet")
    row = spark.read.parquet(str(tmp_path / "events")).collect()[0]
    assert row.account == "012345678901"


def test_a_session_start_prints_no_warnings(tmp_path):
    """A scheduled run's stderr is for what went wrong: Spark's start-up banner, its WARN lines and PySpark's pandas
    FutureWarning stay out of it. In its own process, as a user's run starts the JVM. The one line left is the JVM's
    own "Using incubator modules" notice, which no logging setting reaches."""
    import subprocess
    import sys

    code = ("from auditreport.engines.spark_session import spark_session\n"
            "s = spark_session('local[1]', app_name='quiet')\n"
            "assert s.range(3).count() == 3\n"
            "s.stop()\n")  # fmt: skip
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=180, cwd=tmp_path,
                          check=False)
    assert done.returncode == 0, done.stderr
    lines = [line for line in done.stderr.splitlines() if line.strip()]
    assert [line for line in lines if "incubator modules" not in line] == []
    assert "log4j" not in done.stderr and "FutureWarning" not in done.stderr
