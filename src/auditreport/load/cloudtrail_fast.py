"""The fast reader of CloudTrail log objects: one log file -> its records, and many records -> lake rows (Arrow).

Each object is parsed once with msgspec into typed records: the top-level scalars CloudTrail documents are decoded,
unknown keys are skipped without being built, and the nested documents (``userIdentity``, ``requestParameters``, ...)
are kept as the exact JSON text they were written as (``msgspec.Raw``), never inferred structs. Only
``userIdentity`` is parsed a second time, for the few fields the lake derives from it.

The fast reader takes only what it reads exactly as :mod:`.cloudtrail_sql` (the careful reader) would: a single
``{"Records": [...]}`` document in valid UTF-8, every record an object with text where text is expected, booleans
as booleans (or ``"true"``/``"false"``), and ``eventTime`` in CloudTrail's own form ``YYYY-MM-DDTHH:MM:SSZ``.
Anything else raises :class:`Refused` (or is refused after the rows are built, for a date that does not exist),
and the object goes to the careful reader, which loads what can be loaded and quarantines the rest with its
reason. A test holds both readers to the same rows on the real-record corpus.

One difference is known and documented: a record that holds the same key twice is read with the last value here
(as most JSON parsers do) and with the first by DuckDB. CloudTrail never writes one; a log file that does was not
written by CloudTrail, which its digest shows.
"""

from __future__ import annotations

import re
import threading
from operator import attrgetter

import msgspec
import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
from msgspec import Raw, Struct

_NULL = Raw(b"null")
TIME_FORMAT = "%Y-%m-%dT%H:%M:%SZ"  # CloudTrail's own eventTime form; anything else goes to the careful reader


class Refused(Exception):
    """The fast reader does not take this object; the careful reader will."""


class _Issuer(Struct, gc=False):
    arn: str | None = None


class _SessionContext(Struct, gc=False):
    sessionIssuer: _Issuer | None = None


class _Identity(Struct, gc=False):
    type: str | None = None
    arn: str | None = None
    accountId: str | None = None
    principalId: str | None = None
    accessKeyId: str | None = None
    invokedBy: str | None = None
    sessionContext: _SessionContext | None = None


_DECODED: list = []  # the records the decoder built for the object being decoded (_Record.__post_init__)
_DECODING = threading.Lock()  # one object at a time per process counts in _DECODED
# the document opens with the Records key and a non-empty array: a later Records key would replace decoded records
_LEADING_RECORDS = re.compile(rb'[ \t\n\r]*\{[ \t\n\r]*"Records"[ \t\n\r]*:[ \t\n\r]*\[[ \t\n\r]*[^\] \t\n\r]')


class _Record(Struct, gc=False):
    eventVersion: str | None = None
    eventTime: str | None = None
    eventSource: str | None = None
    eventName: str | None = None
    eventType: str | None = None
    eventCategory: str | None = None
    awsRegion: str | None = None
    sourceIPAddress: str | None = None
    userAgent: str | None = None
    errorCode: str | None = None
    errorMessage: str | None = None
    requestID: str | None = None
    eventID: str | None = None
    recipientAccountId: str | None = None
    readOnly: bool | str | None = None
    managementEvent: bool | str | None = None
    sharedEventID: str | None = None
    vpcEndpointId: str | None = None
    userIdentity: Raw = _NULL
    requestParameters: Raw = _NULL
    responseElements: Raw = _NULL
    additionalEventData: Raw = _NULL
    resources: Raw = _NULL
    serviceEventDetails: Raw = _NULL
    tlsDetails: Raw = _NULL
    # msgspec calls this with each record it builds, those of a Records array a later Records key replaces included
    # (it keeps the last): a C method, no Python frame per record (:func:`decode_log_file`)
    __post_init__ = _DECODED.append


class _LogFile(Struct, gc=False):
    Records: list[_Record]


_LOG = msgspec.json.Decoder(_LogFile)
_IDENTITY = msgspec.json.Decoder(_Identity)

# lake column <- record field, in the order of the lake table
SCALAR_COLUMNS = {
    "event_id": "eventID", "event_time_raw": "eventTime", "event_version": "eventVersion",
    "event_source": "eventSource", "event_name": "eventName", "event_type": "eventType",
    "event_category": "eventCategory", "aws_region": "awsRegion", "source_ip_address": "sourceIPAddress",
    "user_agent": "userAgent", "error_code": "errorCode", "error_message": "errorMessage", "request_id": "requestID",
    "recipient_account_id": "recipientAccountId", "shared_event_id": "sharedEventID",
    "vpc_endpoint_id": "vpcEndpointId",
}  # fmt: skip
BOOLEAN_COLUMNS = {"read_only": "readOnly", "management_event": "managementEvent"}
NESTED_COLUMNS = {
    "user_identity": "userIdentity", "request_parameters": "requestParameters",
    "response_elements": "responseElements", "additional_event_data": "additionalEventData",
    "resources": "resources", "service_event_details": "serviceEventDetails", "tls_details": "tlsDetails",
}  # fmt: skip
_BOOL_TEXT = {"true": True, "false": False}
# CloudTrail's form, every field in range (an RE2 pattern, ASCII digits only); the day is then checked against its month
_TIME = r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])T([01][0-9]|2[0-3]):[0-5][0-9]:[0-5][0-9]Z$"


def decode_log_file(content: bytes) -> list[_Record]:
    """The records of one log file's (uncompressed) content. Raises Refused for anything the fast reader does not
    read exactly as the careful reader would. The times are checked later, a whole chunk at once (:func:`_times`)."""
    if not content.isascii():
        try:
            content.decode("utf-8")  # msgspec does not check the text it skips or keeps raw
        except UnicodeDecodeError:
            raise Refused("not valid UTF-8") from None
    with _DECODING:
        _DECODED.clear()  # a _Record made by hand (not by the decoder) is not counted
        try:
            records = _LOG.decode(content).Records
        except (msgspec.DecodeError, msgspec.ValidationError) as e:
            raise Refused(str(e)) from None
        finally:
            decoded = len(_DECODED)
            _DECODED.clear()
    if not _one_records_key(content, decoded, len(records)):  # a second Records key hides records
        raise Refused("Records key not exactly once")  # the careful reader names it
    return records


def _one_records_key(content: bytes, decoded: int, kept: int) -> bool:
    """Whether the (valid) document holds its top-level Records key once, without a scan of its whole text in the
    usual case: when the document opens with Records and a non-empty array, any later Records key would have
    replaced records the decoder built (``decoded`` > ``kept``). Otherwise (another key first, an empty first
    array) the text is searched, as before: a ``"Records"`` anywhere else, even nested, sends it to the careful
    reader."""
    if _LEADING_RECORDS.match(content):
        return decoded == kept
    return content.count(b'"Records"') == 1


def _times(raw: pa.Array) -> tuple[pa.Array, np.ndarray]:
    """eventTime text -> timestamps, and the positions of the times the fast reader does not take: not in
    CloudTrail's form, or on a day their month does not have (Arrow would roll 02-30 over to 03-02 where DuckDB
    refuses it, so the parsed day must be the written day)."""
    ok = pc.fill_null(pc.match_substring_regex(raw, _TIME), False)
    clean = pc.if_else(ok, raw, pa.scalar("1970-01-01T00:00:00Z"))
    ts = pc.strptime(clean, format=TIME_FORMAT, unit="us", error_is_null=True)
    written_day = pc.cast(pc.utf8_slice_codeunits(clean, 8, 10), pa.int64())
    good = pc.and_(ok, pc.fill_null(pc.equal(pc.day(ts), written_day), False))
    return ts, np.flatnonzero(~np.asarray(good))


def cluster(table: pa.Table) -> pa.Table:
    """Rows ordered the way the lake clusters them: by month (the partition), event source, event name, time.
    Sorted runs compress better, and in a file of several row groups a selective check skips the groups whose
    event sources it does not ask for."""
    keys = ["year", "month", "event_source", "event_name", "event_time"]
    return table.take(pc.sort_indices(table, sort_keys=[(k, "ascending") for k in keys]))


def _raw_column(values: list[Raw]) -> pa.Array:
    """JSON text of each nested document as one Arrow string array, built from the raw bytes without copying each
    value through Python; JSON null (or an absent key) becomes a SQL null."""
    n = len(values)
    lengths = np.fromiter(map(len, values), dtype=np.int32, count=n)
    offsets = np.zeros(n + 1, dtype=np.int32)
    np.cumsum(lengths, out=offsets[1:])  # a chunk is a few MB compressed: far from 2 GiB of text
    data = b"".join(values)
    valid = None
    maybe_null = np.flatnonzero(lengths == 4)
    if len(maybe_null):  # which of the 4-byte values are the text null
        four = np.frombuffer(data, dtype=np.uint8)[offsets[maybe_null][:, None] + np.arange(4)]
        nulls = maybe_null[(four == np.frombuffer(b"null", dtype=np.uint8)).all(axis=1)]
        if len(nulls):
            mask = np.ones(n, dtype=bool)
            mask[nulls] = False
            valid = pa.py_buffer(np.packbits(mask, bitorder="little"))
    return pa.Array.from_buffers(pa.string(), n, [valid, pa.py_buffer(offsets), pa.py_buffer(data)])


def _bool_column(values: list) -> tuple[pa.Array, list[int]]:
    """Booleans, with ``"true"``/``"false"`` read as booleans; the positions of any other text (refused)."""
    try:
        return pa.array(values, pa.bool_()), []
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        out, bad = [], []
        for i, v in enumerate(values):
            if isinstance(v, str):
                if v not in _BOOL_TEXT:
                    bad.append(i)
                v = _BOOL_TEXT.get(v)
            out.append(v)
        return pa.array(out, pa.bool_()), bad


def _identity_columns(raws: list[Raw]) -> tuple[dict[str, pa.Array], list[int]]:
    """The userIdentity fields the lake keeps as columns, and those derived from them (:func:`_derived`); the
    positions of identities the fast reader refuses.
    A trail repeats the same identity document many times (one per session's calls): each distinct one is parsed
    and turned into column values once, and the rows take them by index."""
    names = ("user_type", "principal_arn", "principal_account_id", "principal_id", "access_key_id",
             "session_issuer_arn", "invoked_by")  # fmt: skip
    texts = list(map(bytes, raws))
    index = {text: i for i, text in enumerate(dict.fromkeys(texts))}  # each distinct document, in order of first use
    rows = list(map(_identity_row, index))
    which = pa.array(list(map(index.__getitem__, texts)), pa.int32())
    refused_rows = [i for i, row in enumerate(rows) if row is None]
    distinct = [row if row is not None else (None,) * len(names) for row in rows]
    columns = zip(*distinct) if distinct else [[] for _ in names]
    out = {name: pa.array(list(v), pa.string()) for name, v in zip(names, columns)}
    out.update(_derived(out))  # derived from the identity alone: once per distinct identity too
    out = {name: column.take(which) for name, column in out.items()}
    bad = np.flatnonzero(np.isin(np.asarray(which), refused_rows)).tolist() if refused_rows else []
    return out, bad


def _identity_row(text: bytes) -> tuple | None:
    if text == b"null":
        return (None,) * 7
    try:
        u = _IDENTITY.decode(text)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return None
    ctx = u.sessionContext
    issuer = ctx.sessionIssuer if ctx is not None else None
    return (u.type, u.arn, u.accountId, u.principalId, u.accessKeyId, issuer.arn if issuer is not None else None,
            u.invokedBy)  # fmt: skip


def _derived(c: dict[str, pa.Array]) -> dict[str, pa.Array]:
    """session_name and actor_arn, exactly as the careful reader's projection derives them."""
    assumed = pc.fill_null(pc.equal(c["user_type"], "AssumedRole"), False)
    arn = c["principal_arn"]
    sts = pc.and_(assumed, pc.fill_null(pc.match_like(arn, "arn:%:sts::%:assumed-role/%/%"), False))
    third = pc.list_element(pc.split_pattern(pc.if_else(sts, arn, "//"), "/"), 2)
    session = pc.if_else(sts, third, pa.scalar(None, pa.string()))
    actor = pc.if_else(
        assumed,
        pc.coalesce(c["session_issuer_arn"], arn),
        pc.coalesce(arn, c["session_issuer_arn"], c["invoked_by"], c["principal_id"]),
    )
    return {"session_name": session, "actor_arn": actor}


def build_rows(records: list[_Record], keys: list[str], accounts: list, regions: list, owners: list[int],
               indexes: list[int], run_id: str, schema: pa.Schema) -> tuple[pa.Table, set[int]]:
    """Lake rows (``schema``: the cloudtrail_events columns) of ``records``, whose object is ``owners[i]`` (an index
    into keys, accounts, regions) at position ``indexes[i]``. Returns the rows and the owners the fast reader
    refuses after all (their rows are left out)."""
    n = len(records)
    # one list per field, each taken straight from the records (a tuple per record, transposed, cost a third more)
    by_field = {f: list(map(attrgetter(f), records)) for f in _Record.__struct_fields__}
    c: dict[str, pa.Array] = {}
    refused: set[int] = set()
    for col, f in SCALAR_COLUMNS.items():
        c[col] = pa.array(by_field[f], pa.string())
    for col, f in BOOLEAN_COLUMNS.items():
        c[col], bad = _bool_column(by_field[f])
        refused.update(owners[i] for i in bad)
    for col, f in NESTED_COLUMNS.items():
        c[col] = _raw_column(by_field[f])
    identity, bad = _identity_columns(by_field["userIdentity"])
    refused.update(owners[i] for i in bad)
    c.update(identity)
    ts, bad = _times(c["event_time_raw"])
    refused.update(owners[i] for i in bad.tolist())
    c["event_time"] = ts
    owner = pa.array(owners, pa.int32())
    c["source_account_id"] = pc.take(pa.array(accounts, pa.string()), owner)
    c["source_region"] = pc.take(pa.array(regions, pa.string()), owner)
    c["source_key"] = pc.take(pa.array(keys, pa.string()), owner)
    c["record_index"] = pa.array(indexes, pa.int32())
    c["ingest_run_id"] = pc.fill_null(pa.nulls(n, pa.string()), run_id)
    c["year"] = pc.year(ts).cast(pa.int32())
    c["month"] = pc.month(ts).cast(pa.int32())
    table = pa.table([c[f.name] for f in schema], schema=schema)
    if refused:
        keep = pc.invert(pc.is_in(owner, pa.array(sorted(refused), pa.int32())))
        table = table.filter(keep)
    return table, refused
