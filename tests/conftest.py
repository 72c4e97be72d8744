"""Shared fixtures: real servers (moto, mlflow) in their own processes, and generic helpers. Nothing else."""

from __future__ import annotations

import sys
import threading
from contextlib import contextmanager
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))  # so that test modules can `import servers`

from servers import MLFLOW_INSTALL_HINT, MlflowRest, MlflowServer, MotoServer, find_mlflow  # noqa: E402

_AWS_ENV_TO_CLEAR = [
    "AWS_PROFILE", "AWS_DEFAULT_PROFILE", "AWS_SESSION_TOKEN", "AWS_SECURITY_TOKEN", "AWS_ROLE_ARN",
    "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_ENDPOINT_URL", "AWS_REGION", "AWS_CONTAINER_CREDENTIALS_RELATIVE_URI",
    "AWS_CONTAINER_CREDENTIALS_FULL_URI",
]


@pytest.fixture(scope="session")
def moto_server(tmp_path_factory):
    """One moto server process for the session (started on first use, killed at the end)."""
    server = MotoServer(tmp_path_factory.mktemp("moto")).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def moto(moto_server, monkeypatch, tmp_path):
    """A clean moto server for this test, and dummy AWS credentials in the environment (never real ones)."""
    moto_server.reset()
    for name in _AWS_ENV_TO_CLEAR:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "eu-west-1")
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-aws-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-aws-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    try:
        yield moto_server
    finally:
        moto_server.set_auth(None)


@pytest.fixture(scope="session")
def mlflow_server(tmp_path_factory):
    """One real `mlflow server` for the session. Fails (never skips) when mlflow is not installed."""
    try:
        executable = find_mlflow()
    except FileNotFoundError:
        pytest.fail(MLFLOW_INSTALL_HINT, pytrace=False)
    server = MlflowServer(tmp_path_factory.mktemp("mlflow"), executable).start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture
def mlflow(mlflow_server, monkeypatch):
    """The MLflow server with an empty model registry, and no MLFLOW_TRACKING_* credentials in the environment."""
    for name in ("MLFLOW_TRACKING_TOKEN", "MLFLOW_TRACKING_USERNAME", "MLFLOW_TRACKING_PASSWORD",
                 "MLFLOW_TRACKING_URI", "MLFLOW_TRACKING_INSECURE_TLS", "MLFLOW_TRACKING_SERVER_CERT_PATH"):
        monkeypatch.delenv(name, raising=False)
    rest = MlflowRest(mlflow_server.url)
    rest.clear_registry()
    rest.url = mlflow_server.url
    return rest


class AwsCallRecorder:
    """Every AWS API call made inside ``with recorder.recording():``, from any thread, as
    ``(service, operation, region, params)``."""

    def __init__(self):
        self.calls: list[tuple[str, str, str, dict]] = []
        self._lock = threading.Lock()

    @contextmanager
    def recording(self):
        from botocore.client import BaseClient

        original = BaseClient._make_api_call
        recorder = self

        def make_api_call(client, operation_name, api_params):
            with recorder._lock:
                recorder.calls.append((client.meta.service_model.service_name, operation_name,
                                       client.meta.region_name, dict(api_params)))
            return original(client, operation_name, api_params)

        BaseClient._make_api_call = make_api_call
        try:
            yield self
        finally:
            BaseClient._make_api_call = original

    def operations(self) -> set[tuple[str, str]]:
        return {(s, o) for s, o, _, _ in self.calls}

    def of(self, operation: str) -> list[tuple[str, str, str, dict]]:
        return [c for c in self.calls if c[1] == operation]


@pytest.fixture
def aws_calls():
    return AwsCallRecorder()
