"""The check catalogue in Trino's dialect (Athena's engine): every check, with the sample configuration's parameters
bound, and every shared view, transpiled by engines/dialect.py and parsed by Trino's own grammar
(tests/engines/sql_grammar.py), which shares nothing with sqlglot. A check that does not transpile or does not parse
fails, named.

NOT_YET_PORTABLE lists the checks outside the portable subset today, with what Trino's grammar or sqlglot says: they
are expected to fail (strict: once a check is rewritten in the portable subset, its entry must go).

Parsing is not meaning: a statement Trino parses may still mean something else there (DuckDB's ``format('{}', x)``
is Java's ``format`` in Trino, where ``{}`` is no placeholder). What each function means on the other engine is the
portable subset's business (engines/dialect.py, the catalogue meta-test), not this syntax check's."""

from __future__ import annotations

import pytest

from auditreport.checks.catalogue import load_catalogue
from auditreport.checks.runner import bind_params
from auditreport.config import load_config
from auditreport.engines.dialect import DialectError, to_dialect
from auditreport.resources import sample_config

from .sql_grammar import syntax_problems

CATALOGUE = load_catalogue()
CONFIG = load_config(sample_config())
PERIOD = CONFIG.resolve_period(None)

_GLOB = "DuckDB's GLOB, which sqlglot writes unchanged and Trino has not"
NOT_YET_PORTABLE = {
    "iam_ml_role_wildcard_actions": _GLOB,
    "ml_role_unused_sensitive_permissions": _GLOB,
    "eks_audit_requests": "SELECT * EXCLUDE (...), which sqlglot writes as Spark's EXCEPT and Trino has not",  # a view
    "ml_role_permission_changes": _GLOB,
    "ml_role_privilege_escalation": _GLOB,
    "model_approval_by_unauthorized_principal": _GLOB,
    "trail_bucket_policy_grants": _GLOB,
    "trail_log_object_reads": _GLOB,
    "ml_log_structured_fields": _GLOB,
    "eks_serving_change_outside_deploy_identities": _GLOB,
    "sagemaker_endpoint_change_outside_deploy_roles": _GLOB,
    "sagemaker_training_outside_pipeline": _GLOB,
    "cloudtrail_misdelivered_records": "ARBITRARY(...) IGNORE NULLS (DuckDB's any_value)",
    "sagemaker_production_approver_count": "ARBITRARY(...) IGNORE NULLS (DuckDB's any_value)",
    "cloudtrail_dataset_data_events": "ARBITRARY(...) IGNORE NULLS (DuckDB's any_value)",
    "cloudtrail_log_retention_observed": "GROUP BY ALL, which DuckDB reads as every column not aggregated",
    "ml_log_personal_data": "GROUP BY ALL, which DuckDB reads as every column not aggregated",
    "sagemaker_deployed_package_untraced": "GROUP BY ALL, which DuckDB reads as every column not aggregated",
    "sagemaker_training_data_unversioned": "GROUP BY ALL, which DuckDB reads as every column not aggregated",
    "sagemaker_endpoint_without_model_monitor": "GROUP BY ALL, which DuckDB reads as every column not aggregated",
    "trail_bucket_lifecycle_expiry": "UNION ALL BY NAME",
    "sagemaker_deployment_outside_change_window": "LISTAGG without WITHIN GROUP (DuckDB's string_agg)",
}


def _transpiled() -> tuple[dict[str, str], dict[str, str]]:
    """(name -> Trino SQL, name -> why it could not be written) for every check and shared view."""
    sql, failed = {}, {}
    params = CONFIG.policy_params()
    items = [(c.id, c.sql, bind_params(c, params, PERIOD)) for c in CATALOGUE.checks]
    items += [(v.id, v.body, {}) for v in CATALOGUE.views.values()]
    for name, text, bound in items:
        try:
            sql[name] = to_dialect(text, "trino", bound)
        except DialectError as e:
            failed[name] = str(e)
    return sql, failed


@pytest.fixture(scope="module")
def trino_problems() -> dict[str, str]:
    """name -> why it is not Trino SQL (transpilation or grammar), for every check and view that is not."""
    sql, failed = _transpiled()
    problems = syntax_problems([(name, "trino", text) for name, text in sql.items()])
    return failed | {name: p.line() for name, p in problems.items()}


NAMES = [c.id for c in CATALOGUE.checks] + list(CATALOGUE.views)


@pytest.mark.parametrize("name", [
    pytest.param(n, marks=pytest.mark.xfail(strict=True, reason=NOT_YET_PORTABLE[n])) if n in NOT_YET_PORTABLE else n
    for n in NAMES
])  # fmt: skip
def test_the_check_is_trino_sql(trino_problems, name):
    assert name not in trino_problems, f"{name} is not Trino SQL: {trino_problems[name]}"


def test_the_list_of_checks_not_yet_portable_names_only_checks_and_views():
    assert set(NOT_YET_PORTABLE) <= set(NAMES)
