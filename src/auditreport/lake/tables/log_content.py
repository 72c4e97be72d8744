"""What the ML log events say: personal data found in CloudWatch log events (source ``cloudwatch``)."""

from __future__ import annotations

from ..schema import Table

TABLES = [
    Table(
        name="cloudwatch_log_pii",
        source="cloudwatch",
        description="Personal data found in a CloudWatch log event at load time (load/log_pii.py): emails, card "
        "numbers that pass the Luhn test, IBANs that pass mod-97, international phone numbers. Only a masked "
        "excerpt is kept, never the value; source_key and record_index name the log event.",
        columns=[
            ("account_id", "VARCHAR"),
            ("region", "VARCHAR"),
            ("log_group_name", "VARCHAR"),
            ("log_stream_name", "VARCHAR"),
            ("event_time", "TIMESTAMP"),
            ("event_id", "VARCHAR"),
            ("match_index", "INTEGER"),  # the match's order in the message
            ("kind", "VARCHAR"),  # email | card | iban | phone
            ("masked", "VARCHAR"),  # j***@e***.com, ************1111, DE******************3000, +*********21
            ("match_offset", "INTEGER"),  # character offset of the match in the message
        ],
        time_column="event_time",
        partitioned=True,
        row_key=("source_key", "record_index", "match_index"),
    ),
]
