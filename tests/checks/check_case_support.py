"""The case runner the tests share lives in the library (:mod:`auditreport.checks.cases`), where
``auditreport checks test`` runs it too; this module keeps the tests' imports short."""

from auditreport.checks.cases import (  # noqa: F401 - re-exported for the tests
    CASE_KEYS,
    CHECK_STATUSES,
    DEFAULT_PERIOD,
    RAW_CLOUDTRAIL,
    CaseOutcome,
    case_params,
    case_path,
    insert_case_tables,
    load_cases,
    match_rows,
    new_lake,
    row_matches,
    run_case,
    to_naive_utc,
)
