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
