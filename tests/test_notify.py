"""Notifications at the end of a run: a webhook received by a real HTTP server in the test (stdlib http.server on
127.0.0.1, in a thread), SNS on the moto server read back through an SQS subscription, a failing run notified, and
a notification that cannot be sent never failing the run."""

from __future__ import annotations

import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from auditreport.config import SAMPLE_CONFIG, load_config
from auditreport.errors import ConfigError, EnvironmentFailure
from auditreport.notify import NotifySettings, Outcome, notify, slack_payload, teams_payload
from auditreport.output_lock import output_lock
from auditreport.runner import extract, run
from servers import closed_port, moto_client

SAMPLE = SAMPLE_CONFIG.parent
HOOK_ENV = "AUDITREPORT_TEST_WEBHOOK"


class Receiver:
    """An HTTP server that keeps every POST body it gets and answers ``status``."""

    def __init__(self, status: int = 200):
        self.bodies: list[dict] = []
        self.paths: list[str] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 - http.server's name
                length = int(self.headers["Content-Length"])
                receiver.paths.append(self.path)
                receiver.bodies.append(json.loads(self.rfile.read(length)))
                self.send_response(status)
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}/services/T000/B000/secret-part"


@pytest.fixture
def receiver():
    r = Receiver()
    r.thread.start()
    try:
        yield r
    finally:
        r.server.shutdown()
        r.server.server_close()


def small_config(folder: Path, notify: str, aws: str = "") -> Path:
    """Two file sources of the sample month (a quick run: most checks have no evidence, so it is incomplete)."""
    path = folder / "auditreport.toml"
    path.write_text(f'organisation = "Notify Corp"\nperiod = "2026-10"\n{aws}\n'
                    f'[sources.iam]\nkind = "files"\npath = "{SAMPLE / "aws"}"\n'
                    f'[sources.trails]\nkind = "files"\npath = "{SAMPLE / "aws"}"\n[notify]\n{notify}\n')
    return path


def sns_topic_with_queue(moto_url: str) -> tuple[str, object, str]:
    sns, sqs = moto_client(moto_url, "sns"), moto_client(moto_url, "sqs")
    topic = sns.create_topic(Name="audit-runs")["TopicArn"]
    queue_url = sqs.create_queue(QueueName="audit-runs-inbox")["QueueUrl"]
    queue_arn = sqs.get_queue_attributes(QueueUrl=queue_url, AttributeNames=["QueueArn"])["Attributes"]["QueueArn"]
    sns.subscribe(TopicArn=topic, Protocol="sqs", Endpoint=queue_arn)
    return topic, sqs, queue_url


def received(sqs, queue_url) -> list[dict]:
    messages = sqs.receive_message(QueueUrl=queue_url, MaxNumberOfMessages=10, WaitTimeSeconds=1).get("Messages", [])
    return [json.loads(m["Body"]) for m in messages]


def test_a_run_posts_slack_json_and_publishes_to_sns(moto, receiver, monkeypatch, tmp_path):
    topic, sqs, queue_url = sns_topic_with_queue(moto.url)
    monkeypatch.setenv(HOOK_ENV, receiver.url)
    cfg = load_config(small_config(tmp_path, f'webhook_url_env = "{HOOK_ENV}"\nsns_topic_arn = "{topic}"\n'
                                   'report_location = "s3://reports/2026-10"',
                                   aws=f'[aws]\nendpoint_url = "{moto.url}"'))
    result = run(cfg, cfg.resolve_period(), tmp_path / "out")
    assert not result.complete

    (body,) = receiver.bodies
    assert receiver.paths == ["/services/T000/B000/secret-part"]
    assert body["text"].startswith("auditreport run 2026-10 for Notify Corp: INCOMPLETE")
    assert "Report: s3://reports/2026-10/report.pdf" in body["text"]
    header, text, facts = body["blocks"]
    assert header["type"] == "header" and header["text"]["type"] == "plain_text"
    assert "Failing checks by severity:" in text["text"]["text"] and "Incomplete: " in text["text"]["text"]
    fields = {f["text"].split("\n")[0]: f["text"].split("\n")[1] for f in facts["fields"]}
    assert fields["*Status*"] == "incomplete" and fields["*Exit code*"] == "2" and fields["*Run*"] == result.run_id

    (envelope,) = received(sqs, queue_url)
    assert envelope["Subject"] == "auditreport run 2026-10 for Notify Corp: INCOMPLETE"
    doc = json.loads(envelope["Message"])
    assert doc["status"] == "incomplete" and doc["period"] == "2026-10" and doc["run_id"] == result.run_id
    assert doc["failing_by_severity"] == result.failing_by_severity()
    assert doc["checks"] == result.status_counts() and doc["incomplete_reasons"] == result.incomplete_reasons
    assert doc["report"] == "s3://reports/2026-10/report.pdf" and doc["error"] is None

    manifest = json.loads((tmp_path / "out" / "manifest.json").read_text())
    assert [(n["channel"], n["status"]) for n in manifest["notifications"]] == [("webhook", "sent"), ("sns", "sent")]
    assert "secret-part" not in json.dumps(manifest)  # the webhook's secret path stays out of the manifest


def test_a_failing_run_is_notified_with_its_one_line_error(receiver, monkeypatch, tmp_path):
    monkeypatch.setenv(HOOK_ENV, receiver.url)
    cfg = load_config(small_config(tmp_path, f'webhook_url_env = "{HOOK_ENV}"\nwebhook_format = "teams"'))
    out = tmp_path / "out"
    with output_lock(out, "another-run"), pytest.raises(EnvironmentFailure) as e:
        run(cfg, cfg.resolve_period(), out)
    (body,) = receiver.bodies
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.4"
    texts = [b["text"] for b in card["body"] if b["type"] == "TextBlock"]
    assert texts[0] == "auditreport run 2026-10 for Notify Corp: FAILED"
    assert f"Error: {e.value}" in texts and "another auditreport run is using this output folder" in str(e.value)
    facts = {f["title"]: f["value"] for f in card["body"][-1]["facts"]}
    assert facts["Status"] == "failed" and facts["Exit code"] == "5"


def test_a_notification_that_cannot_be_sent_is_a_warning_and_the_extract_goes_on(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv(HOOK_ENV, f"http://127.0.0.1:{closed_port()}/hook")
    cfg = load_config(small_config(tmp_path, f'webhook_url_env = "{HOOK_ENV}"'))
    result = extract(cfg, cfg.resolve_period(), tmp_path / "out")
    assert all(s.status in ("ok", "not_configured") for s in result.sources)
    (record,) = result.notifications
    assert record["channel"] == "webhook" and record["status"] == "failed" and "Connection refused" in record["detail"]
    err = capsys.readouterr().err
    assert err.startswith("auditreport: warning: notify: webhook: webhook at 127.0.0.1:") and err.count("\n") == 1
    manifest = json.loads((tmp_path / "out" / "extract-manifest.json").read_text())
    assert manifest["notifications"] == result.notifications


def test_an_unset_webhook_variable_and_an_unreachable_sns_are_warnings(monkeypatch, capsys):
    monkeypatch.delenv(HOOK_ENV, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    settings = NotifySettings(webhook_url_env=HOOK_ENV, sns_topic_arn="arn:aws:sns:eu-west-1:123456789012:t")
    from auditreport.source_settings import Aws

    aws = Aws(endpoint_url=f"http://127.0.0.1:{closed_port()}", max_attempts=1)
    records = notify(settings, Outcome("run", "complete", "O", "2026-10", "/out", "/out/report.pdf"), aws)
    assert [r["status"] for r in records] == ["failed", "failed"]
    assert f"notify.webhook_url_env: environment variable {HOOK_ENV} is not set" in records[0]["detail"]
    assert "Publish: EndpointConnectionError" in records[1]["detail"]
    assert capsys.readouterr().err.count("auditreport: warning: notify: ") == 2


def test_on_chooses_the_outcomes_that_are_sent(receiver):
    settings = NotifySettings(webhook_url_file=None, webhook_url_env="X", on=["failed", "incomplete"])
    records = notify(settings, Outcome("run", "complete", "O", "2026-10", "/out", "/out/report.pdf"), env={})
    assert records == [{"channel": "notify", "status": "skipped", "detail": "outcome 'complete' not in notify.on"}]
    records = notify(settings, Outcome("run", "failed", "O", "2026-10", "/out", "/out", error="boom"),
                     env={"X": receiver.url})
    assert records[0]["status"] == "sent" and receiver.bodies[0]["text"].endswith("Report: /out")


def test_the_webhook_url_may_come_from_a_file_beside_the_configuration(receiver, tmp_path):
    (tmp_path / "hook.secret").write_text(receiver.url + "\n")
    cfg = load_config(small_config(tmp_path, 'webhook_url_file = "hook.secret"'))
    assert cfg.notify.webhook_url_file == tmp_path / "hook.secret"
    notify(cfg.notify, Outcome("extract", "complete", "O", "2026-10", "/out", "/out/lake"))
    assert receiver.bodies[0]["blocks"][0]["text"]["text"] == "auditreport extract 2026-10 for O: complete"


@pytest.mark.parametrize("body, message", [
    ('webhook_url = "https://hooks.slack.com/x"', "notify.webhook_url: Extra inputs are not permitted"),
    ('webhook_url_env = "A"\nwebhook_url_file = "b"', "webhook_url_env or webhook_url_file, not both"),
    ('sns_topic_arn = "arn:aws:sqs:eu-west-1:123456789012:q"', "is not an SNS topic ARN"),
    ('webhook_format = "discord"\nwebhook_url_env = "A"', "notify.webhook_format: Input should be 'slack' or 'teams'"),
    ('on = []\nwebhook_url_env = "A"', "notify.on: List should have at least 1 item"),
    ("", "nothing to notify"),
    ('webhook_url_env = "A"\ntimeout_seconds = "10"', "notify.timeout_seconds: Input should be a valid number"),
])  # fmt: skip
def test_the_notify_section_is_validated(tmp_path, body, message):
    with pytest.raises(ConfigError) as e:
        load_config(small_config(tmp_path, body))
    assert message in str(e.value) and "\n" not in str(e.value)


def test_the_sample_configurations_commented_notify_section_validates(tmp_path):
    text = SAMPLE_CONFIG.read_text()
    start = text.index("\n# [notify]\n") + 1
    block = "\n".join(line.removeprefix("# ") for line in text[start:].split("\n\n")[0].splitlines())
    cfg = tmp_path / "notify.toml"
    cfg.write_text(block + "\n")
    settings = load_config(cfg).notify
    assert settings.webhook_url_env and settings.sns_topic_arn


def test_log_text_stays_text_in_slack_and_teams():
    outcome = Outcome("run", "incomplete", "<!channel> & co", "2026-10", "/o", "/o/report.pdf",
                      incomplete_reasons=["source 'x' unavailable: <https://evil|click>"])
    slack = slack_payload(outcome)
    assert "<https://evil|click>" not in slack["blocks"][1]["text"]["text"]
    assert "&lt;https://evil|click&gt;" in slack["blocks"][1]["text"]["text"]
    assert json.loads(json.dumps(teams_payload(outcome)))["attachments"][0]["content"]["body"][0]["text"].endswith(
        "INCOMPLETE")


def test_the_outcome_of_a_complete_run_with_and_without_findings_at_fail_on(tmp_path):
    from dataclasses import replace
    from datetime import datetime, timezone

    from auditreport.checks.catalogue import load_catalogue
    from auditreport.checks.model import CheckResult
    from auditreport.notify import outcome_of_result
    from auditreport.period import Period
    from auditreport.results import RunResult

    base = next(iter(load_catalogue()))
    high = CheckResult(check=replace(base, severity="high"), status="fail", message="", rows=[])
    low = CheckResult(check=replace(base, id="other", severity="low"), status="pass", message="", rows=[])
    result = RunResult(run_id="r1", tool_version="0", organisation="O", period=Period(2026, 10), config_path="",
                       config_sha256="", started_at=datetime.now(timezone.utc), out_dir=tmp_path, checks=[high, low],
                       outputs={"report_pdf": tmp_path / "report.pdf"})  # fmt: skip
    findings = outcome_of_result("run", result, "high", None)
    assert (findings.status, findings.exit_code) == ("findings", 1)
    assert findings.failing_by_severity["high"] == 1 and findings.checks["fail"] == 1 and findings.checks["pass"] == 1
    assert findings.report == str(tmp_path / "report.pdf")
    complete = outcome_of_result("run", result, "critical", "https://reports.example.com/ml/")
    assert (complete.status, complete.exit_code) == ("complete", 0)
    assert complete.report == "https://reports.example.com/ml/report.pdf"
    assert complete.title == "auditreport run 2026-10 for O: complete"
    assert outcome_of_result("extract", result, None, None).report == str(tmp_path / "lake")


def test_the_readme_notify_example_validates(tmp_path):
    import re

    readme = (SAMPLE.parent / "README.md").read_text()
    block = re.search(r"### Notifications.*?```toml\n(.*?)```", readme, re.DOTALL)
    assert block, "README.md has no [notify] example"
    (tmp_path / "n.toml").write_text(block.group(1))
    settings = load_config(tmp_path / "n.toml").notify
    assert settings.webhook_format == "slack" and settings.on == ["incomplete", "findings", "failed"]
