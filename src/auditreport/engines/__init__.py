"""Engines other than DuckDB that run the catalogue or build the lake: Spark (local mode or a cluster) and Athena.

DuckDB stays the engine of record; these exist for trails too large for one machine (issue: "Beyond one machine").
Their Python dependencies are optional (the ``spark`` extra); importing this package imports none of them.
"""
