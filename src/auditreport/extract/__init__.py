"""Extraction: one module per source (per AWS service on the live side), each writing the canonical raw layout of
:mod:`auditreport.raw`. Which extractor serves a configured source is the source record's business
(:mod:`auditreport.sources`)."""
