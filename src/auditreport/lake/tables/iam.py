"""IAM principals and the statements of the policies that apply to them (source ``iam``)."""

from __future__ import annotations

from ..schema import Table

TABLES = [
    Table(
        name="iam_principals",
        source="iam",
        description="IAM users, roles and groups from GetAccountAuthorizationDetails.",
        columns=[
            ("account_id", "VARCHAR"),
            ("principal_type", "VARCHAR"),  # user | role | group
            ("principal_name", "VARCHAR"),
            ("principal_arn", "VARCHAR"),
            ("path", "VARCHAR"),
            ("create_date", "TIMESTAMP"),
            ("assume_role_policy", "JSON"),  # roles only
            ("attached_managed_policy_arns", "JSON"),
            ("group_names", "JSON"),  # users only
            ("tags", "JSON"),
            ("captured_at", "TIMESTAMP"),
        ],
    ),
    Table(
        name="iam_policy_statements",
        source="iam",
        description="Every statement of every policy that applies to a principal: inline, or managed and attached "
        "(default version). Actions and resources are JSON arrays even when the document used a string.",
        columns=[
            ("account_id", "VARCHAR"),
            ("principal_type", "VARCHAR"),
            ("principal_name", "VARCHAR"),
            ("principal_arn", "VARCHAR"),
            ("policy_kind", "VARCHAR"),  # inline | managed
            ("policy_name", "VARCHAR"),
            ("policy_arn", "VARCHAR"),  # null for inline policies
            ("statement_index", "INTEGER"),
            ("sid", "VARCHAR"),
            ("effect", "VARCHAR"),
            ("actions", "JSON"),
            ("not_actions", "JSON"),
            ("resources", "JSON"),
            ("not_resources", "JSON"),
            ("condition", "JSON"),
            ("captured_at", "TIMESTAMP"),
        ],
        row_key=("source_key", "record_index", "policy_kind", "policy_arn", "policy_name", "statement_index"),
    ),
]
