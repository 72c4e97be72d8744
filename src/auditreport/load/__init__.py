"""Loaders: raw evidence in the canonical layout -> Parquet lake tables."""
