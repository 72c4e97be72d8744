"""MLflow registry snapshots from a real `mlflow server` (SQLite backend) in its own process group.

The auth-error paths use a tiny local HTTP server that answers 401/500 (running mlflow with basic auth is heavy
and would prove nothing more about our side: we only need to see a 401 turned into a one-line SourceError)."""

from __future__ import annotations

import base64
import json
import threading
from datetime import datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import quote

import pytest

from auditreport.config import Config
from auditreport.errors import SourceError
from live_seed import extractor, make_ctx, read_json, wait_for_next_second
from servers import closed_port


def mlflow_config(uri: str) -> Config:
    return Config.model_validate({"sources": {"mlflow": {"kind": "rest", "tracking_uri": uri,
                                                         "timeout_seconds": 5}}})


def seed_registry(rest) -> dict:
    alice = rest.create_run("alice", params={"max_depth": 6})
    bob = rest.create_run("bob")
    rest.create_model("fraud-detector", tags={"team": "risk"})
    v1 = rest.create_version("fraud-detector", "s3://ml-artifacts/fraud/1", alice, tags={"approved_by": "carol"})
    v2 = rest.create_version("fraud-detector", "s3://ml-artifacts/fraud/2", bob)
    rest.set_alias("fraud-detector", "champion", v1)
    rest.transition_stage("fraud-detector", v1, "Production")
    rest.create_model("churn model (eu) 100%")  # a name that needs quoting in a file name
    v = rest.create_version("churn model (eu) 100%", "s3://ml-artifacts/churn/1", alice)
    rest.set_alias("churn model (eu) 100%", "production", v)
    return {"alice": alice, "bob": bob, "v1": v1, "v2": v2}


def snapshots(root):
    return sorted(p for p in (root / "snapshots").iterdir())


def test_snapshot_of_models_versions_aliases_tags_and_runs(mlflow, tmp_path):
    seeded = seed_registry(mlflow)
    progress = []
    out = extractor(mlflow_config(mlflow.url), "mlflow").extract(make_ctx(tmp_path / "raw",
                                                 progress=lambda *a: progress.append(a)))
    assert out.kind == "rest" and out.root == tmp_path / "raw" / "mlflow" and out.location == mlflow.url
    [snap] = snapshots(out.root)
    assert snap.name == out.captured_at.strftime("%Y%m%dT%H%M%SZ")
    capture = read_json(snap / "_capture.json")
    assert capture == {"captured_at": out.captured_at.isoformat(), "format_version": 1, "tracking_uri": mlflow.url}
    assert datetime.fromisoformat(capture["captured_at"]).utcoffset().total_seconds() == 0

    models = read_json(snap / "registered-models-search.json")["registered_models"]
    assert sorted(m["name"] for m in models) == ["churn model (eu) 100%", "fraud-detector"]
    fraud = read_json(snap / "registered-models-get" / "fraud-detector.json")["registered_model"]
    assert fraud["aliases"] == [{"alias": "champion", "version": seeded["v1"]}]
    assert {t["key"]: t["value"] for t in fraud["tags"]} == {"team": "risk"}
    churn = read_json(snap / "registered-models-get" / f"{quote('churn model (eu) 100%', safe='')}.json")
    assert churn["registered_model"]["aliases"][0]["alias"] == "production"

    versions = read_json(snap / "model-versions-search.json")["model_versions"]
    by = {(v["name"], v["version"]): v for v in versions}
    assert set(by) == {("fraud-detector", "1"), ("fraud-detector", "2"), ("churn model (eu) 100%", "1")}
    v1 = by[("fraud-detector", seeded["v1"])]
    assert v1["current_stage"] == "Production" and v1["source"] == "s3://ml-artifacts/fraud/1"
    assert v1["run_id"] == seeded["alice"]
    assert {t["key"]: t["value"] for t in v1["tags"]} == {"approved_by": "carol"}
    assert isinstance(v1["creation_timestamp"], int)  # epoch ms, as the API returns it

    runs = {p.stem: read_json(p)["run"] for p in (snap / "runs-get").iterdir()}
    assert set(runs) == {seeded["alice"], seeded["bob"]}
    assert runs[seeded["alice"]]["info"]["user_id"] == "alice"
    assert runs[seeded["alice"]]["data"]["params"] == [{"key": "max_depth", "value": "6"}]
    assert progress and progress[-1][0] == "mlflow"
    assert not list((out.root / "snapshots").glob(".*"))


def test_a_second_snapshot_after_moving_an_alias_keeps_the_first(mlflow, tmp_path):
    seeded = seed_registry(mlflow)
    raw = tmp_path / "raw"
    extractor(mlflow_config(mlflow.url), "mlflow").extract(make_ctx(raw))
    mlflow.set_alias("fraud-detector", "champion", seeded["v2"])
    mlflow.delete_version_tag("fraud-detector", seeded["v1"], "approved_by")
    wait_for_next_second()
    extractor(mlflow_config(mlflow.url), "mlflow").extract(make_ctx(raw, run_id="run-2"))

    first, second = snapshots(raw / "mlflow")
    assert first.name < second.name
    alias = lambda snap: read_json(snap / "registered-models-get" / "fraud-detector.json")[  # noqa: E731
        "registered_model"]["aliases"]
    assert alias(first) == [{"alias": "champion", "version": seeded["v1"]}]
    assert alias(second) == [{"alias": "champion", "version": seeded["v2"]}]
    tags = lambda snap: [v.get("tags", []) for v in read_json(snap / "model-versions-search.json")[  # noqa: E731
        "model_versions"] if v["name"] == "fraud-detector" and v["version"] == seeded["v1"]][0]
    assert tags(first) == [{"key": "approved_by", "value": "carol"}] and tags(second) == []


def test_two_snapshots_within_one_second_get_distinct_names(mlflow, tmp_path):
    mlflow.create_model("m")
    raw = tmp_path / "raw"
    a = extractor(mlflow_config(mlflow.url), "mlflow").extract(make_ctx(raw))
    b = extractor(mlflow_config(mlflow.url), "mlflow").extract(make_ctx(raw))
    assert a.captured_at < b.captured_at and len(snapshots(raw / "mlflow")) == 2


def test_pages_are_merged(mlflow, tmp_path):
    run = mlflow.create_run("alice")
    for i in range(5):
        mlflow.create_model(f"model-{i}")
        for _ in range(2):
            mlflow.create_version(f"model-{i}", f"s3://x/{i}", run)
    out = extractor(mlflow_config(mlflow.url), "mlflow", page_size=2).extract(make_ctx(tmp_path / "raw"))
    [snap] = snapshots(out.root)
    assert len(read_json(snap / "registered-models-search.json")["registered_models"]) == 5
    assert len(read_json(snap / "model-versions-search.json")["model_versions"]) == 10


def test_a_failed_capture_leaves_no_half_snapshot(mlflow, tmp_path):
    seed_registry(mlflow)

    class Killed(Exception):
        pass

    def die(source, objects, nbytes):
        raise Killed

    with pytest.raises(Killed):
        extractor(mlflow_config(mlflow.url), "mlflow").extract(make_ctx(tmp_path / "raw", progress=die))
    assert list((tmp_path / "raw" / "mlflow" / "snapshots").iterdir()) == []


# -- failures ---------------------------------------------------------------------------------------------------


class _Answer(BaseHTTPRequestHandler):
    status = 401
    seen_headers: list = []

    def do_GET(self):  # noqa: N802
        type(self).seen_headers.append(dict(self.headers))
        body = json.dumps({"error_code": "UNAUTHENTICATED" if self.status == 401 else "INTERNAL_ERROR",
                           "message": "You are not authenticated." if self.status == 401 else "boom"}).encode()
        self.send_response(self.status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


@pytest.fixture
def answering(request):
    handler = type("Handler", (_Answer,), {"status": request.param, "seen_headers": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}", handler
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.parametrize("answering", [401], indirect=True)
def test_http_401_is_a_source_error_and_credentials_come_from_the_environment(answering, tmp_path, monkeypatch):
    uri, handler = answering
    monkeypatch.setenv("MLFLOW_TRACKING_TOKEN", "s3cr3t-token")
    with pytest.raises(SourceError) as e:
        extractor(mlflow_config(uri), "mlflow").extract(make_ctx(tmp_path / "raw"))
    msg = str(e.value)
    assert e.value.source == "mlflow" and msg.startswith(f"source 'mlflow': {uri}: HTTP 401")
    assert "MLFLOW_TRACKING_TOKEN" in msg and "\n" not in msg and "s3cr3t" not in msg
    assert handler.seen_headers[0]["Authorization"] == "Bearer s3cr3t-token"
    assert not list((tmp_path / "raw" / "mlflow" / "snapshots").iterdir())

    monkeypatch.delenv("MLFLOW_TRACKING_TOKEN")
    monkeypatch.setenv("MLFLOW_TRACKING_USERNAME", "auditor")
    monkeypatch.setenv("MLFLOW_TRACKING_PASSWORD", "pw")
    with pytest.raises(SourceError):
        extractor(mlflow_config(uri), "mlflow").extract(make_ctx(tmp_path / "raw"))
    assert handler.seen_headers[-1]["Authorization"] == "Basic " + base64.b64encode(b"auditor:pw").decode()


@pytest.mark.parametrize("answering", [500], indirect=True)
def test_http_500_is_a_source_error(answering, tmp_path):
    uri, _ = answering
    with pytest.raises(SourceError) as e:
        extractor(mlflow_config(uri), "mlflow").extract(make_ctx(tmp_path / "raw"))
    assert "HTTP 500" in str(e.value) and "INTERNAL_ERROR boom" in str(e.value)


def test_connection_refused_is_a_source_error(tmp_path):
    uri = f"http://127.0.0.1:{closed_port()}"
    with pytest.raises(SourceError) as e:
        extractor(mlflow_config(uri), "mlflow").extract(make_ctx(tmp_path / "raw"))
    assert str(e.value).startswith(f"source 'mlflow': {uri}: cannot connect") and "refused" in str(e.value)


@pytest.mark.parametrize("uri", ["mlflow.internal:5000", "file:///var/mlruns", "databricks"])
def test_a_tracking_uri_that_is_not_http_is_a_source_error_and_nothing_is_written(uri, tmp_path):
    with pytest.raises(SourceError) as e:
        extractor(mlflow_config(uri), "mlflow").extract(make_ctx(tmp_path / "raw"))
    assert str(e.value) == f"source 'mlflow': {uri}: tracking_uri must be an http:// or https:// address"
    assert not (tmp_path / "raw").exists()


def test_runs_of_versions_are_captured_with_inputs_and_tags_and_a_missing_run_as_the_servers_404(mlflow, tmp_path):
    run = mlflow.create_run("alice")
    mlflow.call("POST", "runs/set-tag", {"run_id": run, "key": "mlflow.source.git.commit", "value": "9c1e7b2"})
    mlflow.call("POST", "runs/set-tag", {"run_id": run, "key": "mlflow.source.type", "value": "JOB"})
    mlflow.call("POST", "runs/log-inputs", {"run_id": run, "datasets": [{
        "tags": [{"key": "mlflow.data.context", "value": "training"}],
        "dataset": {"name": "transactions", "digest": "5a1f", "source_type": "s3",
                    "source": json.dumps({"uri": "s3://data/tx/2026-09"})}}]})
    mlflow.create_model("fraud-detector")
    v1 = mlflow.create_version("fraud-detector", "s3://ml-artifacts/fraud/1", run)
    v2 = mlflow.create_version("fraud-detector", "s3://ml-artifacts/fraud/2")  # registered without a run
    ghost = "0" * 32  # a run id the server never had: what a version points to once its run is purged
    v3 = mlflow.create_version("fraud-detector", "s3://ml-artifacts/fraud/3", ghost)
    out = extractor(mlflow_config(mlflow.url), "mlflow").extract(make_ctx(tmp_path / "raw"))
    [snap] = snapshots(out.root)
    versions = {v["version"]: v for v in read_json(snap / "model-versions-search.json")["model_versions"]}
    assert not versions[v2].get("run_id") and versions[v1]["run_id"] == run and versions[v3]["run_id"] == ghost
    assert {p.stem for p in (snap / "runs-get").iterdir()} == {run, ghost}
    got = read_json(snap / "runs-get" / f"{run}.json")["run"]
    tags = {t["key"]: t["value"] for t in got["data"]["tags"]}
    assert tags["mlflow.source.git.commit"] == "9c1e7b2" and tags["mlflow.source.type"] == "JOB"
    [inp] = got["inputs"]["dataset_inputs"]
    assert inp["dataset"]["name"] == "transactions" and inp["dataset"]["digest"] == "5a1f"
    assert inp["dataset"]["source_type"] == "s3"
    assert inp["tags"] == [{"key": "mlflow.data.context", "value": "training"}]
    assert read_json(snap / "runs-get" / f"{ghost}.json")["error_code"] == "RESOURCE_DOES_NOT_EXIST"
