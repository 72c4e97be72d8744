"""Notifications when ``auditreport run`` or ``extract`` ends: a webhook POST (Slack or Microsoft Teams JSON) and/or
an SNS message, carrying the status, the failing checks by severity, completeness, the period and where the report
is. A run that fails (an exception) is notified too, with its one-line error.

``[notify]`` configures it (:class:`NotifySettings`); the webhook URL is a secret, so it comes from an environment
variable or a file, never from the TOML itself. A notification that cannot be sent is a warning (stderr, and the
manifest's ``notifications``), never the run's failure.

Formats: Slack incoming webhooks take ``{"text": ..., "blocks": [...]}`` (Block Kit: header, section with mrkdwn
text and fields); Teams incoming webhooks (and Workflows' "post to a channel when a webhook request is received")
take a message whose attachment is an Adaptive Card (``application/vnd.microsoft.card.adaptive``, version 1.4:
TextBlocks and a FactSet). SNS gets the notification document itself as JSON (``Message``), with a short
``Subject``.
"""

from __future__ import annotations

import functools
import json
import re
import sys
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from .checks.model import SEVERITIES
from .secret_settings import read_secret

_SNS_ARN = re.compile(r"arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}(\.fifo)?")
_SUBJECT_MAX = 100  # SNS refuses a longer Subject


class NotifySettings(BaseModel):
    """``[notify]``: where to send the outcome of a run. Strict: unknown keys are refused."""

    model_config = ConfigDict(extra="forbid", strict=True)

    webhook_url_env: str | None = None  # the environment variable that holds the webhook URL
    webhook_url_file: Path | None = Field(default=None, strict=False)  # or a file holding it (relative to the config)
    webhook_format: Literal["slack", "teams"] = "slack"
    sns_topic_arn: str | None = None
    on: list[Literal["complete", "incomplete", "findings", "failed"]] = Field(
        default=["complete", "incomplete", "findings", "failed"], min_length=1)  # which outcomes are sent
    report_location: str | None = None  # where readers find the report (an s3:// or https:// URL); default: --out
    timeout_seconds: float = Field(10, gt=0, le=120)

    @field_validator("sns_topic_arn")
    @classmethod
    def _arn(cls, v: str | None) -> str | None:
        if v is not None and not _SNS_ARN.fullmatch(v):
            raise ValueError(f"'{v}' is not an SNS topic ARN (arn:aws:sns:<region>:<account>:<topic>)")
        return v

    @model_validator(mode="after")
    def _one_destination(self) -> NotifySettings:
        if self.webhook_url_env and self.webhook_url_file:
            raise ValueError("give the webhook URL once: webhook_url_env or webhook_url_file, not both")
        if not (self.webhook_url_env or self.webhook_url_file or self.sns_topic_arn):
            raise ValueError("nothing to notify: set webhook_url_env, webhook_url_file or sns_topic_arn")
        return self

    def resolve(self, base: Path) -> None:
        if self.webhook_url_file is not None and not self.webhook_url_file.is_absolute():
            self.webhook_url_file = (base / self.webhook_url_file).resolve()


@dataclass
class Outcome:
    """What a notification says: one document, rendered for each destination."""

    command: str  # run | extract
    status: str  # complete | incomplete | findings | failed
    organisation: str
    period: str
    out_dir: str
    report: str  # where the report (or the lake, for extract) is
    run_id: str | None = None
    exit_code: int | None = None
    failing_by_severity: dict[str, int] = field(default_factory=dict)
    checks: dict[str, int] = field(default_factory=dict)  # checks by status
    incomplete_reasons: list[str] = field(default_factory=list)
    sources: dict[str, str] = field(default_factory=dict)  # source -> status
    error: str | None = None  # the one-line error of a failed run

    @property
    def title(self) -> str:
        what = {"complete": "complete", "incomplete": "INCOMPLETE", "findings": "findings at or above --fail-on",
                "failed": "FAILED"}[self.status]
        return f"auditreport {self.command} {self.period} for {self.organisation}: {what}"

    def document(self) -> dict:
        return {"tool": "auditreport", **{k: v for k, v in self.__dict__.items()}, "title": self.title}

    def summary_lines(self) -> list[str]:
        lines = []
        if self.error:
            lines.append(f"Error: {self.error}")
        if self.checks:
            failing = ", ".join(f"{n} {s}" for s, n in self.failing_by_severity.items() if n) or "none"
            lines.append(f"Failing checks by severity: {failing}")
            lines.append("Checks: " + ", ".join(f"{n} {s}" for s, n in self.checks.items() if n))
        if self.status != "failed":
            lines.append("Evidence complete" if not self.incomplete_reasons else
                         "Incomplete: " + "; ".join(self.incomplete_reasons[:3])
                         + (f" (+{len(self.incomplete_reasons) - 3} more)" if len(self.incomplete_reasons) > 3 else ""))
        lines.append(f"Report: {self.report}")
        return lines


def outcome_of_result(command: str, result, fail_on: str | None, report_location: str | None) -> Outcome:
    """The outcome of a run or an extract that returned ``result`` (a RunResult), with the exit code the CLI gives
    it. An extract has no checks: its outcome is about the sources only."""
    if command == "run":
        exit_code = result.exit_code(fail_on)
        status = {0: "complete", 1: "findings"}.get(exit_code, "incomplete")
        where = result.outputs.get("report_pdf") or result.outputs.get("report_html") or result.out_dir
    else:
        status = "complete" if all(s.status in ("ok", "not_configured") for s in result.sources) else "incomplete"
        exit_code = 0 if status == "complete" else 2
        where = Path(result.out_dir) / "lake"
    return Outcome(
        command=command, status=status, organisation=result.organisation, period=result.period.label,
        out_dir=str(result.out_dir), report=_where(report_location, where, result.out_dir), run_id=result.run_id,
        exit_code=exit_code, failing_by_severity=result.failing_by_severity() if result.checks else {},
        checks=result.status_counts() if result.checks else {}, incomplete_reasons=list(result.incomplete_reasons),
        sources={s.name: s.status for s in result.sources},
    )  # fmt: skip


def outcome_of_failure(command: str, config, period, out_dir, exc: BaseException) -> Outcome:
    """The outcome of a run that raised ``exc``: its one-line error and exit code, as the CLI reports them."""
    from .errors import AuditReportError, environment_failure

    env = environment_failure(exc, out_dir)
    if isinstance(exc, AuditReportError) or env is not None:
        err = env if env is not None and not isinstance(exc, AuditReportError) else exc
        error, exit_code = str(err), err.exit_code
    else:
        first = (str(exc).strip().splitlines() or [""])[0]
        error, exit_code = f"unexpected error: {type(exc).__name__}: {first}".rstrip(": "), 4
    report_location = config.notify.report_location if config.notify else None
    return Outcome(command=command, status="failed", organisation=config.organisation, period=str(period),
                   out_dir=str(out_dir), report=_where(report_location, None, out_dir), exit_code=exit_code,
                   error=" ".join(error.split())[:400])  # fmt: skip


def _where(report_location: str | None, path, out_dir) -> str:
    """``report_location`` with the file's path below ``--out``, else the file's (or folder's) absolute path."""
    if report_location and path is not None and Path(path).is_relative_to(out_dir) and Path(path) != Path(out_dir):
        return report_location.rstrip("/") + "/" + Path(path).relative_to(out_dir).as_posix()
    if report_location:
        return report_location
    return str(Path(path).resolve() if path is not None else Path(out_dir).resolve())


# -- payloads --------------------------------------------------------------------------------------------------


def slack_payload(outcome: Outcome) -> dict:
    """Slack incoming webhook: ``text`` (the notification's fallback) and Block Kit ``blocks``."""
    lines = outcome.summary_lines()
    fields = [{"type": "mrkdwn", "text": f"*{k}*\n{_slack_escape(v)}"} for k, v in _facts(outcome)]
    return {
        "text": _slack_escape(f"{outcome.title}\n" + "\n".join(lines)),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": outcome.title[:150], "emoji": False}},
            {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(_slack_escape(x) for x in lines)[:3000]}},
            {"type": "section", "fields": fields[:10]},
        ],
    }


def teams_payload(outcome: Outcome) -> dict:
    """Teams incoming webhook / Workflows: a message with one Adaptive Card attachment."""
    body = [{"type": "TextBlock", "text": outcome.title, "weight": "Bolder", "size": "Medium", "wrap": True,
             "color": "Good" if outcome.status == "complete" else "Attention"}]
    body += [{"type": "TextBlock", "text": line, "wrap": True} for line in outcome.summary_lines()]
    body.append({"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in _facts(outcome)]})
    card = {"$schema": "http://adaptivecards.io/schemas/adaptive-card.json", "type": "AdaptiveCard",
            "version": "1.4", "body": body}
    return {"type": "message", "attachments": [
        {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}]}


def _facts(outcome: Outcome) -> list[tuple[str, str]]:
    facts = [("Status", outcome.status), ("Period", outcome.period), ("Organisation", outcome.organisation)]
    if outcome.run_id:
        facts.append(("Run", outcome.run_id))
    if outcome.exit_code is not None:
        facts.append(("Exit code", str(outcome.exit_code)))
    for sev in SEVERITIES:
        if outcome.failing_by_severity.get(sev):
            facts.append((f"Failing {sev}", str(outcome.failing_by_severity[sev])))
    facts.append(("Report", outcome.report))
    return facts


def _slack_escape(text: str) -> str:
    """Slack's mrkdwn reads <, > and & as markup (links, mentions): log text must stay text."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


# -- delivery --------------------------------------------------------------------------------------------------


def notifies_failure(command: str):
    """Decorate ``run(config, period, out_dir, ...)``: when it raises, the failure is notified (``[notify]``) with
    its one-line error, then the error goes on to the caller (the CLI's error boundary)."""

    def decorate(fn):
        @functools.wraps(fn)
        def wrapper(config, period, out_dir, *args, **kwargs):
            try:
                return fn(config, period, out_dir, *args, **kwargs)
            except Exception as e:
                if config.notify is not None:
                    notify(config.notify, outcome_of_failure(command, config, period, out_dir, e), config.aws)
                raise

        return wrapper

    return decorate



def notify(settings: NotifySettings | None, outcome: Outcome, aws=None, env=None) -> list[dict]:
    """Send ``outcome`` where ``settings`` says. Returns one record per destination,
    ``{"channel", "status": "sent" | "failed" | "skipped", "detail"}``; a failure is also a warning on stderr.
    Never raises: a notification must not fail a run."""
    if settings is None:
        return []
    if outcome.status not in settings.on:
        return [{"channel": "notify", "status": "skipped", "detail": f"outcome '{outcome.status}' not in notify.on"}]
    records = []
    if settings.webhook_url_env or settings.webhook_url_file:
        records.append(_deliver("webhook", lambda: _post_webhook(settings, outcome, env)))
    if settings.sns_topic_arn:
        records.append(_deliver("sns", lambda: _publish_sns(settings, outcome, aws)))
    return records


def _deliver(channel: str, send) -> dict:
    try:
        detail = send()
    except Exception as e:  # noqa: BLE001 - whatever goes wrong sending, the run's outcome stands
        line = " ".join(str(e).split())[:300] or type(e).__name__
        warn(f"notify: {channel}: {line}")
        return {"channel": channel, "status": "failed", "detail": line}
    return {"channel": channel, "status": "sent", "detail": detail}


def warn(line: str) -> None:
    print(f"auditreport: warning: {line}", file=sys.stderr, flush=True)


def webhook_url(settings: NotifySettings, env=None) -> str:
    try:
        raw = read_secret("notify", "webhook_url_env", settings.webhook_url_env or None, "webhook_url_file",
                          settings.webhook_url_file, env)  # fmt: skip
        url = raw.decode("utf-8").strip()
    except UnicodeDecodeError:
        raise ValueError(f"notify.webhook_url_file: {settings.webhook_url_file} is not UTF-8 text") from None
    if not url.startswith(("https://", "http://")):
        raise ValueError("the webhook URL is not an http(s):// address")
    return url


def _post_webhook(settings: NotifySettings, outcome: Outcome, env) -> str:
    url = webhook_url(settings, env)
    payload = teams_payload(outcome) if settings.webhook_format == "teams" else slack_payload(outcome)
    request = urllib.request.Request(url, data=json.dumps(payload).encode(), method="POST",
                                     headers={"Content-Type": "application/json", "User-Agent": "auditreport"})
    host = urllib.request.urlparse(url).netloc  # never the path: it holds the webhook's secret
    try:
        with urllib.request.urlopen(request, timeout=settings.timeout_seconds) as resp:
            return f"{settings.webhook_format} webhook at {host}: HTTP {resp.status}"
    except urllib.error.HTTPError as e:
        raise ValueError(f"webhook at {host} answered HTTP {e.code} {e.reason}") from None
    except (urllib.error.URLError, OSError) as e:
        reason = getattr(e, "reason", e)
        raise ValueError(f"webhook at {host}: {reason}") from None


def _publish_sns(settings: NotifySettings, outcome: Outcome, aws) -> str:
    from .extract.aws_session import AwsSessions, error_line
    from .source_settings import Aws

    arn = settings.sns_topic_arn
    region = arn.split(":")[3]
    sessions = AwsSessions(aws or Aws(), outcome.run_id or "notify", source="notify")
    try:
        sns = sessions.client("sns", None, region)
        answer = sns.publish(TopicArn=arn, Subject=_subject(outcome.title),
                             Message=json.dumps(outcome.document(), default=str))
    except Exception as e:  # noqa: BLE001 - botocore's errors, as one line
        raise ValueError(f"{arn}: " + error_line(e, None, region, "Publish")) from None
    return f"{arn}: message {answer.get('MessageId')}"


def _subject(title: str) -> str:
    """SNS: at most 100 characters, ASCII printable, no line break."""
    text = "".join(c if 32 <= ord(c) < 127 else "?" for c in title)
    return text if len(text) <= _SUBJECT_MAX else text[: _SUBJECT_MAX - 3] + "..."
