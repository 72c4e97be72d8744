"""One local Spark session for every engine test (the JVM takes seconds to start); stopped at the end."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def spark():
    from auditreport.engines.spark_session import spark_session

    session = spark_session("local[2]", app_name="auditreport-tests")
    yield session
    session.stop()
