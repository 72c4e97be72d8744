"""The one SQL projection from CloudTrail records to ``cloudtrail_events`` rows.

Used by the streaming file loader and by ``load_records_into`` (check test cases), so that both go through exactly
the same parsing. Each log object is read whole as JSON text (``read_json_objects``) and each record is parsed
twice at most: once for every scalar (a list of paths in one ``json_extract_string``), once for the nested
documents (one ``json_extract`` with a list of paths), which stay JSON text, never inferred structs: real logs
carry keys that differ only by case, which breaks struct inference, and nested documents have no fixed shape.
Scalars are read as text and cast leniently (real logs carry booleans as strings and numbers as times).
"""

from __future__ import annotations

# Top-level record fields, as CloudTrail writes them. Anything else in a record is ignored on purpose: the
# documented record contents are all here, and the raw object stays in raw/ for anything not modelled.
SCALARS = [
    "eventVersion", "eventTime", "eventSource", "eventName", "eventType", "eventCategory", "awsRegion",
    "sourceIPAddress", "userAgent", "errorCode", "errorMessage", "requestID", "eventID", "recipientAccountId",
    "readOnly", "managementEvent", "sharedEventID", "vpcEndpointId",
]  # fmt: skip
USER_IDENTITY = [
    "type", "arn", "accountId", "principalId", "accessKeyId", "sessionContext.sessionIssuer.arn", "invokedBy",
]  # fmt: skip
NESTED = [
    "userIdentity", "requestParameters", "responseElements", "additionalEventData", "resources",
    "serviceEventDetails", "tlsDetails",
]  # fmt: skip

# Lenient time parsing: the common form first (fast path), then anything DuckDB can cast (fractions, offsets,
# a space instead of T), then epoch seconds or milliseconds. Everything ends up naive UTC (the session runs in UTC).
EVENT_TIME_SQL = """CASE
  WHEN t IS NULL THEN NULL
  WHEN regexp_full_match(t, '[0-9]{9,10}(\\.[0-9]+)?') THEN make_timestamp(CAST(CAST(t AS DOUBLE) * 1000000 AS BIGINT))
  WHEN regexp_full_match(t, '[0-9]{12,13}') THEN make_timestamp(CAST(t AS BIGINT) * 1000)
  ELSE coalesce(try_strptime(t, '%Y-%m-%dT%H:%M:%SZ'), CAST(try_cast(t AS TIMESTAMPTZ) AS TIMESTAMP))
END"""


def _path_list(paths: list[str]) -> str:
    return "[" + ", ".join(f"'$.{p}'" for p in paths) + "]"


def records_sql(files_sql: str, max_object_bytes: int, compression: str = "gzip") -> str:
    """One row per record of the given log objects: filename, no_records (not one CloudTrail log file), n_docs
    (JSON documents in the object), duplicate_records (``Records`` given twice), n_records, idx, r (the record as
    JSON). An object that is not exactly one document with one ``Records`` array yields rows with r NULL and
    no_records true, so it is still counted and never loaded: a second document or a second ``Records`` key would
    load records twice under the same indexes, or hide some. A top-level array is one document (not unpacked)."""
    return f"""
SELECT filename, no_records, n_docs, duplicate_records, n_records,
       unnest(recs) AS r, generate_subscripts(recs, 1) - 1 AS idx
FROM (
  SELECT filename, n_docs, duplicate_records, n_records,
         records_type <> 'ARRAY' OR n_docs > 1 OR duplicate_records AS no_records,
         CASE WHEN n_records > 0 AND n_docs = 1 AND NOT duplicate_records THEN json_extract(json, '$.Records[*]')
              ELSE [NULL::JSON] END AS recs
  FROM (
    SELECT filename, json, count(*) OVER (PARTITION BY filename) AS n_docs,
           coalesce(json_type(json, '$.Records'), '') AS records_type,
           len(list_filter(json_keys(json), lambda k: k = 'Records')) > 1 AS duplicate_records,
           CASE WHEN json_type(json, '$.Records') = 'ARRAY' THEN json_array_length(json, '$.Records') ELSE 0 END AS n_records
    FROM read_json_objects({files_sql}, filename = true, format = 'unstructured', compression = '{compression}',
                           maximum_object_size = {max_object_bytes})
  )
)"""


def projection_sql(source: str, passthrough: list[str] = ()) -> str:
    """SELECT that turns ``source`` (columns: key, r = one record as JSON, idx, source_account_id, source_region)
    into lake rows, plus ``_raw`` (the record) for rows that must be quarantined and ``_null_record``."""
    extra = "".join(f"  {c},\n" for c in passthrough)
    scalars = _path_list(SCALARS + [f"userIdentity.{p}" for p in USER_IDENTITY])
    nested = _path_list(NESTED)
    n = len(SCALARS)
    col = {name: f"s[{i + 1}]" for i, name in enumerate(SCALARS)}
    ui = {name: f"s[{n + i + 1}]" for i, name in enumerate(USER_IDENTITY)}
    return f"""
WITH recs AS (
  SELECT *, json_extract_string(r, {scalars}) AS s, json_extract(r, {nested}) AS j,
         coalesce(json_type(r), 'NULL') <> 'OBJECT' AS _null_record
  FROM {source}
), parsed AS (
  SELECT *, {col["eventTime"]} AS t FROM recs
), timed AS (
  SELECT *, {EVENT_TIME_SQL} AS ts FROM parsed
)
SELECT
  {col["eventID"]} AS event_id,
  ts AS event_time,
  t AS event_time_raw,
  {col["eventVersion"]} AS event_version,
  {col["eventSource"]} AS event_source,
  {col["eventName"]} AS event_name,
  {col["eventType"]} AS event_type,
  {col["eventCategory"]} AS event_category,
  {col["awsRegion"]} AS aws_region,
  {col["sourceIPAddress"]} AS source_ip_address,
  {col["userAgent"]} AS user_agent,
  {col["errorCode"]} AS error_code,
  {col["errorMessage"]} AS error_message,
  {col["requestID"]} AS request_id,
  {col["recipientAccountId"]} AS recipient_account_id,
  try_cast({col["readOnly"]} AS BOOLEAN) AS read_only,
  try_cast({col["managementEvent"]} AS BOOLEAN) AS management_event,
  {col["sharedEventID"]} AS shared_event_id,
  {col["vpcEndpointId"]} AS vpc_endpoint_id,
  {ui["type"]} AS user_type,
  {ui["arn"]} AS principal_arn,
  {ui["accountId"]} AS principal_account_id,
  {ui["principalId"]} AS principal_id,
  {ui["accessKeyId"]} AS access_key_id,
  {ui["sessionContext.sessionIssuer.arn"]} AS session_issuer_arn,
  CASE WHEN {ui["type"]} = 'AssumedRole' AND {ui["arn"]} LIKE 'arn:%:sts::%:assumed-role/%/%'
       THEN split_part({ui["arn"]}, '/', 3) END AS session_name,
  CASE WHEN {ui["type"]} = 'AssumedRole' THEN coalesce({ui["sessionContext.sessionIssuer.arn"]}, {ui["arn"]})
       ELSE coalesce({ui["arn"]}, {ui["sessionContext.sessionIssuer.arn"]}, {ui["invokedBy"]}, {ui["principalId"]})
  END AS actor_arn,
  {ui["invokedBy"]} AS invoked_by,
{"".join(f"  nullif(j[{i + 1}], 'null'::JSON) AS {snake},{chr(10)}" for i, snake in enumerate(
    ["user_identity", "request_parameters", "response_elements", "additional_event_data", "resources",
     "service_event_details", "tls_details"]))}  source_account_id,
  source_region,
  key AS source_key,
  CAST(idx AS INTEGER) AS record_index,
  $run_id AS ingest_run_id,
  CAST(year(ts) AS INTEGER) AS year,
  CAST(month(ts) AS INTEGER) AS month,
{extra}  _null_record,
  CASE WHEN ts IS NULL THEN left(CAST(r AS VARCHAR), 2000) END AS _raw
FROM timed
"""
