"""The one place a SparkSession is made: local mode by default, a cluster when the configuration names a master URL.

Settings every engine user relies on: UTC session time (the lake's timestamps are UTC instants), no web UI, few shuffle
partitions (the lake of one month is small for Spark), and Hive partition columns never inferred as numbers (account
ids such as ``012345678901`` stay strings). A machine without Java or without PySpark gets one line naming what is
missing, never a traceback.
"""

from __future__ import annotations

import os
import shutil
import sys
import warnings
from pathlib import Path

from ..errors import EnvironmentFailure

DEFAULT_MASTER = "local[2]"
# errors only: Spark's default profile prints a banner and WARN lines on every start (see the file)
LOG4J2_PROPERTIES = Path(__file__).with_name("log4j2.properties")


def _java_available() -> bool:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and os.path.exists(os.path.join(java_home, "bin", "java")):
        return True
    return shutil.which("java") is not None


def _java_options() -> str:
    return f"-Duser.timezone=UTC -Dlog4j2.configurationFile={LOG4J2_PROPERTIES.as_uri()}"


def spark_session(master: str | None = None, app_name: str = "auditreport", conf: dict[str, str] | None = None):
    """A SparkSession on ``master`` (default ``local[2]``); reuses a running one with the same master."""
    # PySpark 4 warns (when it first builds a DataFrame, and again in mapInArrow) that it does not yet fully support
    # pandas 3. The engine converts nothing to or from pandas: check rows come back through collect(), the Spark
    # ingest's tasks get Arrow batches (mapInArrow, which checks the pandas version on its way); tests/engines proves
    # the checks' rows and the ingest's equal DuckDB's. So the warning says nothing about this use: it is silenced,
    # that message only.
    warnings.filterwarnings("ignore", message="PySpark does not yet fully support pandas", category=FutureWarning)
    try:
        from pyspark.sql import SparkSession
    except ImportError as e:
        raise EnvironmentFailure("pyspark", "the Spark engine needs PySpark: pip install 'auditreport[spark]'") from e
    if not _java_available():
        raise EnvironmentFailure("java", "the Spark engine needs a Java runtime (17 or newer): on Debian, "
                                         "apt-get install openjdk-17-jre-headless, or set JAVA_HOME")
    master = master or DEFAULT_MASTER
    if master.startswith("local"):  # Python tasks (the Spark ingest) run in this interpreter, with its packages
        os.environ.setdefault("PYSPARK_PYTHON", sys.executable)
    builder = (
        SparkSession.builder.master(master)
        .appName(app_name)
        .config("spark.sql.session.timeZone", "UTC")
        .config("spark.ui.enabled", "false")
        .config("spark.ui.showConsoleProgress", "false")
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.sources.partitionColumnTypeInference.enabled", "false")
        .config("spark.driver.extraJavaOptions", _java_options())
        .config("spark.executor.extraJavaOptions", _java_options())
    )
    for key, value in (conf or {}).items():
        builder = builder.config(key, value)
    session = builder.getOrCreate()
    session.sparkContext.setLogLevel("ERROR")
    return session
