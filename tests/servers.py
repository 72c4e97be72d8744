"""Real servers for the tests, each in its own process: a moto server (AWS APIs) and an ``mlflow server``.

Both bind 127.0.0.1 on a free port, are waited on until they answer, and are stopped by killing their process
group. Nothing here mocks auditreport code: the tests talk to these servers over HTTP exactly as production talks
to AWS and MLflow.
"""

from __future__ import annotations

import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
MLFLOW_INSTALL_HINT = (
    "the MLflow tests need a real `mlflow server`. Install it apart from the runtime, e.g.\n"
    "    python -m venv .venv-mlflow && .venv-mlflow/bin/pip install mlflow\n"
    "or point AUDITREPORT_MLFLOW_BIN at an mlflow executable (or put `mlflow` on PATH)."
)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def closed_port() -> int:
    """A port nothing listens on (connection refused)."""
    return free_port()


def http(method: str, url: str, body: bytes | dict | None = None, headers: dict | None = None,
         timeout: float = 10) -> tuple[int, bytes]:
    data = json.dumps(body).encode() if isinstance(body, dict) else body
    hdrs = dict(headers or {})
    if isinstance(body, dict):
        hdrs.setdefault("Content-Type", "application/json")
    req = urllib.request.Request(url, data=data, headers=hdrs, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.status, resp.read()
    except urllib.error.HTTPError as e:
        return e.code, e.read()


def _wait_until(ready, proc: subprocess.Popen, timeout: float, what: str, log: Path) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"{what} exited with {proc.returncode} before answering:\n{_tail(log)}")
        try:
            if ready():
                return
        except (OSError, urllib.error.URLError):
            pass
        time.sleep(0.25)
    raise RuntimeError(f"{what} did not answer within {timeout:.0f} s:\n{_tail(log)}")


def _tail(log: Path, lines: int = 30) -> str:
    try:
        return "\n".join(log.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def _stop_group(proc: subprocess.Popen | None) -> None:
    """SIGTERM the server's process group, then SIGKILL what is left; bounded waits."""
    if proc is None:
        return
    for sig, grace in ((signal.SIGTERM, 10.0), (signal.SIGKILL, 5.0)):
        try:
            os.killpg(proc.pid, sig)
        except ProcessLookupError:
            break
        deadline = time.monotonic() + grace
        while time.monotonic() < deadline:
            proc.poll()  # reap the leader so that it stops counting as alive
            if not _group_alive(proc.pid):
                break
            time.sleep(0.1)
        if not _group_alive(proc.pid):
            break
    try:
        proc.wait(timeout=5)
    except subprocess.TimeoutExpired:  # pragma: no cover
        pass


def _group_alive(pgid: int) -> bool:
    try:
        os.killpg(pgid, 0)
        return True
    except ProcessLookupError:
        return False
    except PermissionError:  # pragma: no cover
        return True


class MotoServer:
    """``python -m moto.server`` in its own process (and process group)."""

    def __init__(self, workdir: Path):
        self.workdir = workdir
        self.log = workdir / "moto.log"
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 30) -> "MotoServer":
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("AWS_")}
        env.update(AWS_ACCESS_KEY_ID="testing", AWS_SECRET_ACCESS_KEY="testing", AWS_DEFAULT_REGION="us-east-1")
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(self.port)],
            stdout=open(self.log, "wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, env=env, cwd=self.workdir,
        )
        _wait_until(lambda: http("GET", f"{self.url}/moto-api/data.json", timeout=2)[0] == 200,
                    self.proc, timeout, "moto server", self.log)
        return self

    def reset(self) -> None:
        """Forget every resource, and switch IAM enforcement off."""
        self.set_auth(None)
        status, body = http("POST", f"{self.url}/moto-api/reset")
        assert status == 200, body

    def set_auth(self, initial_no_auth_action_count: int | None) -> None:
        """moto's IAM enforcement: ``0`` = every following request is authenticated and authorised against moto's
        IAM (real AccessDenied answers); ``None`` = off (moto's default)."""
        value = "inf" if initial_no_auth_action_count is None else str(initial_no_auth_action_count)
        status, body = http("POST", f"{self.url}/moto-api/reset-auth", value.encode(),
                            {"Content-Type": "text/plain"})  # Flask hides form-encoded bodies from moto
        assert status == 200, body

    def stop(self) -> None:
        _stop_group(self.proc)
        self.proc = None


def find_mlflow() -> str:
    """AUDITREPORT_MLFLOW_BIN, else <repo>/.venv-mlflow/bin/mlflow, else ``mlflow`` on PATH."""
    explicit = os.environ.get("AUDITREPORT_MLFLOW_BIN")
    if explicit:
        if os.path.isfile(explicit) and os.access(explicit, os.X_OK):
            return explicit
        raise FileNotFoundError(f"AUDITREPORT_MLFLOW_BIN={explicit} is not an executable file; " + MLFLOW_INSTALL_HINT)
    for c in (str(REPO / ".venv-mlflow" / "bin" / "mlflow"), shutil.which("mlflow")):
        if c and os.path.isfile(c) and os.access(c, os.X_OK):
            return c
    raise FileNotFoundError(MLFLOW_INSTALL_HINT)


class MlflowServer:
    """``mlflow server`` with a SQLite backend and a file artifact root, one worker, in its own process group."""

    def __init__(self, workdir: Path, executable: str):
        self.workdir, self.executable = workdir, executable
        self.log = workdir / "mlflow.log"
        self.proc: subprocess.Popen | None = None
        self.port = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self, timeout: float = 60) -> "MlflowServer":
        self.port = free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("MLFLOW_")}
        env["MLFLOW_SERVER_ENABLE_JOB_EXECUTION"] = "false"  # no background job consumers: CPU is shared
        self.proc = subprocess.Popen(
            [self.executable, "server",
             "--backend-store-uri", f"sqlite:///{self.workdir / 'mlflow.db'}",
             "--default-artifact-root", (self.workdir / "artifacts").as_uri(),
             "--host", "127.0.0.1", "--port", str(self.port), "--workers", "1"],
            stdout=open(self.log, "wb"), stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
            start_new_session=True, env=env, cwd=self.workdir,
        )
        _wait_until(lambda: http("GET", f"{self.url}/health", timeout=2)[0] == 200,
                    self.proc, timeout, "mlflow server", self.log)
        return self

    def stop(self) -> None:
        _stop_group(self.proc)
        self.proc = None


class MlflowRest:
    """Seed an MLflow server over its REST API, as a user's client would."""

    def __init__(self, url: str):
        self.api = f"{url}/api/2.0/mlflow/"

    def call(self, method: str, endpoint: str, body: dict | None = None) -> dict:
        if method == "GET" and body:
            endpoint += "?" + urllib.parse.urlencode(body)
            body = None
        status, raw = http(method, self.api + endpoint, body)
        if status != 200:
            raise AssertionError(f"{method} {endpoint} -> HTTP {status}: {raw[:300]!r}")
        return json.loads(raw or b"{}")

    def clear_registry(self) -> None:
        while True:
            models = self.call("GET", "registered-models/search", {"max_results": 100}).get("registered_models", [])
            if not models:
                return
            for m in models:
                self.call("DELETE", "registered-models/delete", {"name": m["name"]})

    def create_run(self, user_id: str, experiment_id: str = "0", start_time: int = 1790000000000,
                   params: dict | None = None) -> str:
        run = self.call("POST", "runs/create", {"experiment_id": experiment_id, "user_id": user_id,
                                                "start_time": start_time})["run"]
        run_id = run["info"]["run_id"]
        for k, v in (params or {}).items():
            self.call("POST", "runs/log-parameter", {"run_id": run_id, "key": k, "value": str(v)})
        self.call("POST", "runs/update", {"run_id": run_id, "status": "FINISHED", "end_time": start_time + 60000})
        return run_id

    def create_model(self, name: str, tags: dict | None = None) -> None:
        self.call("POST", "registered-models/create",
                  {"name": name, "tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]})

    def create_version(self, name: str, source: str, run_id: str | None = None, tags: dict | None = None) -> str:
        body = {"name": name, "source": source,
                "tags": [{"key": k, "value": v} for k, v in (tags or {}).items()]}
        if run_id:
            body["run_id"] = run_id
        return self.call("POST", "model-versions/create", body)["model_version"]["version"]

    def set_version_tag(self, name: str, version: str, key: str, value: str) -> None:
        self.call("POST", "model-versions/set-tag", {"name": name, "version": version, "key": key, "value": value})

    def delete_version_tag(self, name: str, version: str, key: str) -> None:
        self.call("DELETE", "model-versions/delete-tag", {"name": name, "version": version, "key": key})

    def set_alias(self, name: str, alias: str, version: str) -> None:
        self.call("POST", "registered-models/alias", {"name": name, "alias": alias, "version": version})

    def transition_stage(self, name: str, version: str, stage: str) -> None:
        self.call("POST", "model-versions/transition-stage",
                  {"name": name, "version": version, "stage": stage, "archive_existing_versions": False})



def moto_client(url: str, service: str, region: str = "eu-west-1", account: str | None = None,
                role_name: str = "AuditReportReader"):
    """A boto3 client on the moto server; with ``account``, credentials of an assumed role in that account (moto
    keeps one isolated backend per account, keyed by the credentials)."""
    import boto3

    kw = {"region_name": region, "endpoint_url": url}
    if account:
        sts = boto3.client("sts", **kw)
        creds = sts.assume_role(RoleArn=f"arn:aws:iam::{account}:role/{role_name}",
                                RoleSessionName="test-seed")["Credentials"]
        kw.update(aws_access_key_id=creds["AccessKeyId"], aws_secret_access_key=creds["SecretAccessKey"],
                  aws_session_token=creds["SessionToken"])
    return boto3.client(service, **kw)
