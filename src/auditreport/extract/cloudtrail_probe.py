"""Preflight of a CloudTrail trail bucket: can the credentials list it, and does it hold log files for the period?

The day folders are the ones a run would list (the extractor's own plan: configured or discovered accounts and
regions, both folder kinds, ``CloudTrail/`` and ``CloudTrail-Digest/``), with the run's client (the role of
``bucket_account``, the endpoint, the retries). Instead of one listing per day, one delimiter listing per month
folder (``.../<region>/YYYY/MM/``, ``ListObjectsV2`` with ``Delimiter="/"``) names the day folders present: a month's
31 day folders cost one call. Only the period's days up to yesterday (UTC) are expected: a period that is not over
yet says how many days are still to come.

An account with no log file on any expected day is ``empty``: the run would have no CloudTrail evidence for it (it
makes the source partial). Days without log files in an account and region, and log files without digests, are
notes: the run reads what is there and its checks judge the gaps.
"""

from __future__ import annotations

import os
import re
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from datetime import date, datetime, timezone
from pathlib import Path

from ..errors import SourceError
from ..period import Period
from ..source_settings import parse_s3_uri
from .aws_session import AwsSessions, ScopeError
from .base import ExtractContext
from .probe import ProbeCall, SourceProbe, failed_call, reader_role

_DAY_PREFIX = re.compile(r"(?P<account>\d{12})/(?P<folder>CloudTrail(?:-Digest)?)/(?P<region>[^/]+)/"
                         r"(?P<y>\d{4})/(?P<m>\d{2})/(?P<d>\d{2})/$")
_LIST = "ListObjectsV2"
_ACTION = "s3:ListBucket"
_SHOWN_DAYS = 5


def probe_trail_bucket(extractor, period: Period, today: date | None = None) -> SourceProbe:
    from .cloudtrail_s3 import _Lister  # the extractor's own delimiter listing

    src, aws = extractor.settings, extractor.aws
    bucket, prefix = parse_s3_uri(src.uri)
    result = SourceProbe(extractor.name, src.kind, src.uri)
    sessions = AwsSessions(aws, "preflight", source=extractor.name)
    try:
        accounts, regions, reader_account, region = extractor.reader(sessions)
        s3 = sessions.client("s3", reader_account, region)
    except ScopeError as e:
        result.calls.append(failed_call(e, f"{src.uri} AssumeRole", None, reader_account, None, None,
                                        reader_role(aws, reader_account)))
        return result
    except SourceError as e:  # no region could be found for the client
        result.calls.append(ProbeCall(what=src.uri, status="error", detail=str(e)))
        return result
    lister = _Lister(s3, bucket, reader_account, region, extractor.name)
    ctx = ExtractContext(period=period, raw_dir=Path(os.devnull), run_id="preflight")
    try:
        day_prefixes = extractor._plan(lister, prefix, src.organization_id, accounts, regions, ctx,
                                       aws.max_concurrency)
    except SourceError as e:  # a discovery listing failed; its botocore error is the context (raised from None)
        cause = e.__context__ or e
        line = str(e).removeprefix(f"source '{extractor.name}': ")
        call = failed_call(cause, f"s3://{bucket}/{prefix}AWSLogs/ {_LIST}", _ACTION, reader_account, region, _LIST)
        call.detail = line
        result.calls.append(call)
        return result

    today = today or datetime.now(timezone.utc).date()
    wanted = {d for d in period.days() if d < today}
    to_come = sum(1 for d in period.days() if d >= today)
    months: dict[str, tuple[str, str, str]] = {}  # month folder -> (account, folder kind, region)
    expected: dict[tuple[str, str, str], set[date]] = defaultdict(set)
    for day_prefix in day_prefixes:
        m = _DAY_PREFIX.search(day_prefix)
        day = date(int(m["y"]), int(m["m"]), int(m["d"])) if m else None
        if day in wanted:
            scope = (m["account"], m["folder"], m["region"])
            expected[scope].add(day)
            months[day_prefix[: -len("DD/")]] = scope

    def list_month(month_prefix: str):
        try:
            return month_prefix, lister.dirs(month_prefix), None
        except SourceError as e:
            return month_prefix, [], e

    present: dict[tuple[str, str, str], set[date]] = defaultdict(set)
    with ThreadPoolExecutor(max_workers=max(1, min(aws.max_concurrency, len(months) or 1))) as pool:
        for month_prefix, days, error in pool.map(list_month, sorted(months)):
            what = f"s3://{bucket}/{month_prefix} {_LIST}"
            if error is not None:
                call = failed_call(error.__context__ or error, what, _ACTION, reader_account, region, _LIST)
                call.detail = str(error).removeprefix(f"source '{extractor.name}': ")
                result.calls.append(call)
                continue
            result.calls.append(ProbeCall(what=what, status="ok", action=_ACTION))
            year, month = (int(x) for x in month_prefix.rstrip("/").split("/")[-2:])
            scope = months[month_prefix]
            present[scope] |= {date(year, month, int(d)) for d in days if d.isdigit() and 1 <= int(d) <= 31
                               and _valid(year, month, int(d))} & expected[scope]  # fmt: skip
    if not result.failed:
        _judge(result, expected, present, period, len(wanted), to_come)
    return result


def _valid(year: int, month: int, day: int) -> bool:
    try:
        date(year, month, day)
    except ValueError:
        return False
    return True


def _judge(result: SourceProbe, expected, present, period: Period, n_wanted: int, to_come: int) -> None:
    if to_come:
        result.notes.append(f"{to_come} day(s) of {period.label} still to come")
    if not expected:
        if n_wanted:
            result.empty.append("no AWSLogs/<account>/CloudTrail/ folder to read in the bucket")
        return
    logs_by_account: dict[str, int] = defaultdict(int)
    for (account, folder, region), days in sorted(expected.items()):
        found = present[(account, folder, region)]
        if folder == "CloudTrail":
            logs_by_account[account] += len(found)
            missing = sorted(days - found)
            if missing and not found:
                result.notes.append(f"account {account} region {region}: no log files for {period.label}")
            elif missing:
                shown = ", ".join(f"{d:%Y-%m-%d}" for d in missing[:_SHOWN_DAYS])
                more = f" (+{len(missing) - _SHOWN_DAYS} more)" if len(missing) > _SHOWN_DAYS else ""
                result.notes.append(f"account {account} region {region}: no log files on {len(missing)} of "
                                    f"{len(days)} days: {shown}{more}")  # fmt: skip
        elif not found and present[(account, "CloudTrail", region)]:
            result.notes.append(f"account {account} region {region}: log files but no digest files "
                                "(log file validation off?)")
    for account, n in sorted(logs_by_account.items()):
        if n == 0:
            result.empty.append(f"account {account}: no log files for {period.label} in any region")
    complete = [s for s, days in expected.items() if s[1] == "CloudTrail" and present[s] == days]
    logs = [s for s in expected if s[1] == "CloudTrail"]
    result.notes.insert(0, f"log files on every day so far in {len(complete)} of {len(logs)} account/region(s)")
