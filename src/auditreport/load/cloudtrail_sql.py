"""The one SQL projection from CloudTrail records to ``cloudtrail_events`` rows.

Used by the streaming file loader and by ``load_records_into`` (check test cases), so that both go through exactly
the same parsing. Scalars are read as VARCHAR and cast leniently (real logs carry booleans as strings, numbers as
times); nested documents are read as JSON text, never inferred structs (keys that differ only by case break that).
"""

from __future__ import annotations

# Top-level record fields, as CloudTrail writes them. Anything else in a record is ignored on purpose: the
# documented record contents are all here, and the raw object stays in raw/ for anything not modelled.
SCALARS = [
    "eventVersion", "eventTime", "eventSource", "eventName", "eventType", "eventCategory", "awsRegion",
    "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestID", "eventID", "recipientAccountId",
    "readOnly", "managementEvent", "sharedEventID", "vpcEndpointId",
]  # fmt: skip
NESTED = [
    "userIdentity", "requestParameters", "responseElements", "additionalEventData", "resources",
    "serviceEventDetails", "tlsDetails",
]  # fmt: skip

RECORD_STRUCT = "STRUCT(" + ", ".join([f'"{f}" VARCHAR' for f in SCALARS] + [f'"{f}" JSON' for f in NESTED]) + ")"
RECORDS_COLUMNS = {"Records": RECORD_STRUCT + "[]"}

# Lenient time parsing: the common form first (fast path), then anything DuckDB can cast (fractions, offsets,
# a space instead of T), then epoch seconds or milliseconds. Everything ends up naive UTC (the session runs in UTC).
EVENT_TIME_SQL = """CASE
  WHEN t IS NULL THEN NULL
  WHEN regexp_full_match(t, '[0-9]{9,10}(\\.[0-9]+)?') THEN make_timestamp(CAST(CAST(t AS DOUBLE) * 1000000 AS BIGINT))
  WHEN regexp_full_match(t, '[0-9]{12,13}') THEN make_timestamp(CAST(t AS BIGINT) * 1000)
  ELSE coalesce(try_strptime(t, '%Y-%m-%dT%H:%M:%SZ'), CAST(try_cast(t AS TIMESTAMPTZ) AS TIMESTAMP))
END"""

_UI_PATHS = [
    "$.type", "$.arn", "$.accountId", "$.principalId", "$.accessKeyId",
    "$.sessionContext.sessionIssuer.arn", "$.invokedBy", "$.userName",
]  # fmt: skip


def projection_sql(source: str, passthrough: list[str] = ()) -> str:
    """SELECT that turns ``source`` (columns: key, r = one record struct, idx) into lake rows plus ``_raw`` for
    rows that must be quarantined. ``key``, ``source_account_id`` and ``source_region`` come from the source."""
    extra = "".join(f"  {c},\n" for c in passthrough)
    ui = "[" + ", ".join(f"'{p}'" for p in _UI_PATHS) + "]"
    return f"""
WITH recs AS (
  SELECT *, r.eventTime AS t, json_extract_string(r.userIdentity, {ui}) AS ui FROM {source}
), parsed AS (
  SELECT *, {EVENT_TIME_SQL} AS ts FROM recs
)
SELECT
  r.eventID AS event_id,
  ts AS event_time,
  t AS event_time_raw,
  r.eventVersion AS event_version,
  r.eventSource AS event_source,
  r.eventName AS event_name,
  r.eventType AS event_type,
  r.eventCategory AS event_category,
  r.awsRegion AS aws_region,
  r.sourceIPAddress AS source_ip_address,
  r.userAgent AS user_agent,
  r.errorCode AS error_code,
  r.errorMessage AS error_message,
  r.requestID AS request_id,
  r.recipientAccountId AS recipient_account_id,
  try_cast(r.readOnly AS BOOLEAN) AS read_only,
  try_cast(r.managementEvent AS BOOLEAN) AS management_event,
  r.sharedEventID AS shared_event_id,
  r.vpcEndpointId AS vpc_endpoint_id,
  ui[1] AS user_type,
  ui[2] AS principal_arn,
  ui[3] AS principal_account_id,
  ui[4] AS principal_id,
  ui[5] AS access_key_id,
  ui[6] AS session_issuer_arn,
  CASE WHEN ui[1] = 'AssumedRole' AND ui[2] LIKE 'arn:%:sts::%:assumed-role/%/%'
       THEN split_part(ui[2], '/', 3) END AS session_name,
  CASE WHEN ui[1] = 'AssumedRole' THEN coalesce(ui[6], ui[2])
       ELSE coalesce(ui[2], ui[6], ui[7], ui[4]) END AS actor_arn,
  ui[7] AS invoked_by,
  r.userIdentity AS user_identity,
  r.requestParameters AS request_parameters,
  r.responseElements AS response_elements,
  r.additionalEventData AS additional_event_data,
  r.resources AS resources,
  r.serviceEventDetails AS service_event_details,
  r.tlsDetails AS tls_details,
  source_account_id,
  source_region,
  key AS source_key,
  CAST(idx AS INTEGER) AS record_index,
  $run_id AS ingest_run_id,
  CAST(year(ts) AS INTEGER) AS year,
  CAST(month(ts) AS INTEGER) AS month,
{extra}  r IS NULL AS _null_record,
  CASE WHEN ts IS NULL THEN left(CAST(to_json(r) AS VARCHAR), 2000) END AS _raw
FROM parsed
"""
