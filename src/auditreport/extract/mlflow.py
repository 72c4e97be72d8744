"""MLflow model registry over its REST API (plain HTTP; the runtime never imports ``mlflow``).

Each run adds one dated snapshot below ``OUT/raw/mlflow/snapshots/`` and keeps the earlier ones: OSS MLflow keeps
no history, so the loader derives it by comparing consecutive snapshots. A snapshot is written to a staging
directory and renamed into place when complete: a half snapshot would read as "versions deleted".

    snapshots/<YYYYMMDDTHHMMSSZ>/registered-models-search.json      {"registered_models": [...]}  (pages merged)
    snapshots/<YYYYMMDDTHHMMSSZ>/registered-models-get/<name>.json  {"registered_model": {..., "aliases": [...]}}
    snapshots/<YYYYMMDDTHHMMSSZ>/model-versions-search.json         {"model_versions": [...]}     (pages merged)
    snapshots/<YYYYMMDDTHHMMSSZ>/runs-get/<run_id>.json             {"run": {...}}
    snapshots/<YYYYMMDDTHHMMSSZ>/_capture.json                      {"captured_at": ..., "tracking_uri": ...}

A run or model that the server answers 404 for is written with the server's own error body
(``{"error_code": "RESOURCE_DOES_NOT_EXIST", "message": ...}``): a version pointing to a deleted run is a fact.

Authentication from the environment, as the MLflow client does it: ``MLFLOW_TRACKING_TOKEN`` (Bearer) or
``MLFLOW_TRACKING_USERNAME`` + ``MLFLOW_TRACKING_PASSWORD`` (Basic); ``MLFLOW_TRACKING_INSECURE_TLS=true`` and
``MLFLOW_TRACKING_SERVER_CERT_PATH`` for TLS.
"""

from __future__ import annotations

import base64
import json
import os
import socket
import ssl
import time
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timezone
from http.client import HTTPException
from pathlib import Path
from typing import Mapping
from urllib.parse import quote

from ..errors import SourceError
from ..raw import (
    CAPTURE_FILE,
    MLFLOW_SNAPSHOT_FORMAT,
    MLFLOW_SNAPSHOTS,
    RawEvidence,
    capture_body,
    remove_leftovers,
    staged,
    write_json,
)
from ..source_settings import MlflowRestSettings
from .base import ExtractContext
from .probe import ProbeCall, SourceProbe

API = "/api/2.0/mlflow/"
_RETRY_STATUS = {429, 502, 503, 504}


class MlflowHttpError(Exception):
    def __init__(self, message: str, status: int | None = None, body: dict | None = None):
        super().__init__(message)
        self.status, self.body = status, body


class MlflowRestClient:
    """GET requests against one tracking server, with auth from the environment, a timeout and a few retries on
    429/502/503/504."""

    def __init__(self, tracking_uri: str, *, timeout: float = 30, env: Mapping[str, str] | None = None,
                 attempts: int = 3, backoff: float = 0.5):
        self.tracking_uri = tracking_uri.rstrip("/")
        self.timeout, self.attempts, self.backoff = timeout, attempts, backoff
        env = os.environ if env is None else env
        self.headers = {"Accept": "application/json", "User-Agent": "auditreport"}
        if env.get("MLFLOW_TRACKING_TOKEN"):
            self.headers["Authorization"] = f"Bearer {env['MLFLOW_TRACKING_TOKEN']}"
        elif env.get("MLFLOW_TRACKING_USERNAME"):
            pair = f"{env['MLFLOW_TRACKING_USERNAME']}:{env.get('MLFLOW_TRACKING_PASSWORD', '')}"
            self.headers["Authorization"] = "Basic " + base64.b64encode(pair.encode()).decode()
        self.ssl_context = None
        if self.tracking_uri.startswith("https://"):
            if str(env.get("MLFLOW_TRACKING_INSECURE_TLS", "")).lower() == "true":
                self.ssl_context = ssl._create_unverified_context()
            elif env.get("MLFLOW_TRACKING_SERVER_CERT_PATH"):
                self.ssl_context = ssl.create_default_context(cafile=env["MLFLOW_TRACKING_SERVER_CERT_PATH"])

    def get(self, endpoint: str, params: Mapping[str, object] | None = None) -> dict:
        query = urllib.parse.urlencode({k: v for k, v in (params or {}).items() if v is not None})
        url = f"{self.tracking_uri}{API}{endpoint}" + (f"?{query}" if query else "")
        what = f"GET {API}{endpoint}"
        for attempt in range(1, self.attempts + 1):
            request = urllib.request.Request(url, headers=self.headers, method="GET")
            try:
                with urllib.request.urlopen(request, timeout=self.timeout, context=self.ssl_context) as resp:
                    return json.loads(resp.read().decode("utf-8") or "{}")
            except urllib.error.HTTPError as e:
                body = _json_or_none(e)
                if e.code in _RETRY_STATUS and attempt < self.attempts:
                    time.sleep(self.backoff * 2 ** (attempt - 1))
                    continue
                raise MlflowHttpError(_http_reason(e.code, e.reason, body, what), e.code, body) from None
            except urllib.error.URLError as e:
                reason = e.reason
                if isinstance(reason, (socket.timeout, TimeoutError)):
                    raise MlflowHttpError(f"no answer within {self.timeout:g} s to {what}") from None
                raise MlflowHttpError(f"cannot connect: {reason}") from None
            except (socket.timeout, TimeoutError):
                raise MlflowHttpError(f"no answer within {self.timeout:g} s to {what}") from None
            except (HTTPException, ConnectionError) as e:
                raise MlflowHttpError(f"connection failed during {what}: {type(e).__name__}: {e}") from None
            except json.JSONDecodeError:
                raise MlflowHttpError(f"{what} did not answer JSON (is this an MLflow tracking server?)") from None
        raise AssertionError("unreachable")  # pragma: no cover

    def get_or_error_body(self, endpoint: str, params: Mapping[str, object]) -> dict:
        """Like :meth:`get`, but a 404 returns the server's error body instead of raising."""
        try:
            return self.get(endpoint, params)
        except MlflowHttpError as e:
            if e.status == 404 and e.body:
                return e.body
            raise

    def paginate(self, endpoint: str, list_key: str, page_size: int,
                 params: Mapping[str, object] | None = None) -> list:
        items: list = []
        token = None
        seen_tokens = set()
        while True:
            page = self.get(endpoint, {**(params or {}), "max_results": page_size, "page_token": token})
            items += page.get(list_key, [])
            token = page.get("next_page_token")
            if not token or token in seen_tokens:
                return items
            seen_tokens.add(token)


def _json_or_none(e: urllib.error.HTTPError) -> dict | None:
    try:
        body = json.loads(e.read().decode("utf-8"))
        return body if isinstance(body, dict) else None
    except Exception:
        return None


def _http_reason(status: int, reason: str, body: dict | None, what: str) -> str:
    detail = ""
    if body:
        detail = " ".join(str(x) for x in (body.get("error_code"), body.get("message")) if x)
    hint = {
        401: " (set MLFLOW_TRACKING_TOKEN, or MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD)",
        403: " (the credentials may not read the model registry)",
    }.get(status, "")
    text = f"HTTP {status} {reason} on {what}{hint}" + (f": {detail}" if detail else "")
    return " ".join(text.split())[:400]


class MlflowRestExtractor:
    """``sources.mlflow`` of kind ``rest``."""

    name = "mlflow"

    def __init__(self, settings: MlflowRestSettings, *, env: Mapping[str, str] | None = None, page_size: int = 100):
        # env default: os.environ at extraction time (MLFLOW_TRACKING_TOKEN and friends)
        self.settings, self.env, self.page_size = settings, env, page_size

    def extract(self, ctx: ExtractContext) -> RawEvidence:
        src = self.settings
        uri = src.tracking_uri.rstrip("/")
        if not uri.startswith(("http://", "https://")):
            raise SourceError(self.name, f"{uri}: tracking_uri must be an http:// or https:// address")
        client = MlflowRestClient(uri, timeout=src.timeout_seconds, env=self.env)
        root = ctx.raw_dir / self.name
        snapshots = root / MLFLOW_SNAPSHOTS
        snapshots.mkdir(parents=True, exist_ok=True)
        remove_leftovers(snapshots)  # of a killed run
        captured_at = _snapshot_time(snapshots)
        final = snapshots / captured_at.strftime(MLFLOW_SNAPSHOT_FORMAT)
        try:
            with staged(final, directory=True) as stage:
                n_files = self._capture(client, stage, ctx)
                write_json(stage / CAPTURE_FILE, capture_body(captured_at, tracking_uri=uri))
        except MlflowHttpError as e:
            raise SourceError(self.name, f"{uri}: {e}") from None
        ctx.progress(self.name, n_files + 1, sum(p.stat().st_size for p in final.rglob("*.json")))
        return RawEvidence(source=self.name, kind="rest", root=root, location=uri, captured_at=captured_at)

    def probe(self, period=None) -> SourceProbe:
        """Preflight: does the REST API answer, with the credentials of the environment? One search for one
        registered model. 401 and 403 are ``denied``; no connection or no answer in time ``unreachable``."""
        uri = self.settings.tracking_uri.rstrip("/")
        result = SourceProbe(self.name, self.settings.kind, uri)
        what = f"{uri} GET {API}registered-models/search"
        if not uri.startswith(("http://", "https://")):
            result.calls.append(ProbeCall(what=what, status="error",
                                          detail=f"{uri}: tracking_uri must be an http:// or https:// address"))
            return result
        client = MlflowRestClient(uri, timeout=self.settings.timeout_seconds, env=self.env)
        try:
            client.get("registered-models/search", {"max_results": 1})
        except MlflowHttpError as e:
            status = ("denied" if e.status in (401, 403) else "error") if e.status else "unreachable"
            code = (e.body or {}).get("error_code") or (str(e.status) if e.status else None)
            result.calls.append(ProbeCall(what=what, status=status, code=code, detail=f"{uri}: {e}"))
            return result
        result.calls.append(ProbeCall(what=what, status="ok"))
        return result

    def _capture(self, client: MlflowRestClient, stage: Path, ctx: ExtractContext) -> int:
        models = client.paginate("registered-models/search", "registered_models", self.page_size)
        write_json(stage / "registered-models-search.json", {"registered_models": models})
        n = 1
        for m in models:
            body = client.get_or_error_body("registered-models/get", {"name": m["name"]})
            write_json(stage / "registered-models-get" / f"{quote(m['name'], safe='')}.json", body)
            n += 1
        versions = client.paginate("model-versions/search", "model_versions", max(self.page_size, 1000))
        versions = self._complete(client, models, versions)
        write_json(stage / "model-versions-search.json", {"model_versions": versions})
        n += 1
        run_ids = sorted({v["run_id"] for v in versions if v.get("run_id")})
        for i, run_id in enumerate(run_ids, 1):
            body = client.get_or_error_body("runs/get", {"run_id": run_id})
            write_json(stage / "runs-get" / f"{quote(run_id, safe='')}.json", body)
            n += 1
            ctx.progress(self.name, n, 0)
        return n

    def _complete(self, client: MlflowRestClient, models: list, versions: list) -> list:
        """If the unfiltered search missed versions of a model (some servers cap or filter it), ask per model."""
        have = {(v.get("name"), str(v.get("version"))) for v in versions}
        for m in models:
            latest = m.get("latest_versions") or []
            if all((m["name"], str(v.get("version"))) in have for v in latest):
                continue
            name = m["name"].replace("'", "\\'")
            for v in client.paginate("model-versions/search", "model_versions", 1000, {"filter": f"name='{name}'"}):
                key = (v.get("name"), str(v.get("version")))
                if key not in have:
                    have.add(key)
                    versions.append(v)
        return sorted(versions, key=lambda v: (v.get("name", ""), _int(v.get("version"))))


def _int(v) -> int:
    try:
        return int(v)
    except (TypeError, ValueError):
        return -1


def _snapshot_time(snapshots: Path) -> datetime:
    """Now (UTC, whole seconds), moved on to the next free second if a snapshot of this second exists."""
    t = datetime.now(timezone.utc).replace(microsecond=0)
    while (snapshots / t.strftime(MLFLOW_SNAPSHOT_FORMAT)).exists():
        time.sleep(max(0.0, (t.timestamp() + 1) - time.time()))
        t = datetime.now(timezone.utc).replace(microsecond=0)
    return t
