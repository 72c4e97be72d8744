"""A fault-injecting HTTP reverse proxy for the tests: put it between auditreport and the moto server (point
``[aws].endpoint_url`` at :attr:`FaultProxy.url`) and it forwards every request, except the ones its seeded plan
picks, which it answers with a fault the way AWS or a network would:

- ``throttle``  the service's own throttling answer: S3 ``503 SlowDown`` (REST-XML), ``400 ThrottlingException``
                for the JSON APIs (CloudTrail, SageMaker, CloudWatch Logs: ``x-amz-json-1.1``), ``400 Throttling``
                for the query APIs (IAM, STS: XML);
- ``500``, ``503`` a plain server error with a body that is no AWS error document;
- ``reset``     the connection is reset (RST, ``SO_LINGER`` 0) after the request is read, before any response byte;
- ``truncate``  the upstream response's status line and headers, with its full ``Content-Length``, then half the
                body, then the connection is closed (what a dropped connection mid-download looks like).

The plan is deterministic whatever the interleaving of the client's threads: a request is identified by its
method, signing region, path, query, ``X-Amz-Target`` and body, and whether (and how) it is faulted is drawn from
``random.Random(f"{seed}|{identity}")`` against per-kind rates. A chosen request fails on its first ``times``
attempts and goes through after that, so with ``times`` below the client's attempts every fault can be retried
away; a :class:`Rule` picks requests by operation, key, query or region, for a few attempts or for every one (a
permanent fault). :attr:`FaultProxy.injected` counts what was injected, per kind, so a
test can assert that faults really happened.

Stdlib only (``http.server`` + ``http.client``); it binds 127.0.0.1 on a free port and serves each connection in a
thread with HTTP/1.1 keep-alive, as botocore's connection pool expects.
"""

from __future__ import annotations

import hashlib
import http.client
import random
import re
import socket
import struct
import threading
import urllib.parse
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

KINDS = ("throttle", "500", "503", "reset", "truncate")
_HOP_BY_HOP = {"connection", "keep-alive", "proxy-authenticate", "proxy-authorization", "te", "trailers",
               "transfer-encoding", "upgrade", "content-length"}


@dataclass(frozen=True)
class Request:
    """What the plan sees of one request."""

    method: str
    path: str  # without the query
    query: str
    target: str  # X-Amz-Target (JSON protocol), "" otherwise
    action: str  # Action= of a query-protocol body (IAM, STS), "" otherwise
    body: bytes
    region: str = ""  # from the SigV4 credential scope of the Authorization header

    @property
    def protocol(self) -> str:
        if self.target:
            return "json"
        if self.action:
            return "query"
        return "rest-xml"

    @property
    def operation(self) -> str:
        """A readable name: the JSON target's operation, the query Action, or S3's method and shape."""
        if self.target:
            return self.target.rsplit(".", 1)[-1]
        if self.action:
            return self.action
        if self.is_get_object:
            return "GetObject"
        params = urllib.parse.parse_qs(self.query, keep_blank_values=True)
        if self.method == "GET" and "list-type" in params:
            return "ListObjectsV2"
        return f"S3 {self.method} {self.path if self.path == '/' else '?' + '&'.join(sorted(params))}"

    @property
    def is_get_object(self) -> bool:
        """S3 GetObject in path style: ``GET /bucket/key`` without a sub-resource in the query."""
        if self.method != "GET" or self.target or self.action:
            return False
        parts = self.path.lstrip("/").split("/", 1)
        if len(parts) < 2 or not parts[1]:
            return False
        params = urllib.parse.parse_qs(self.query, keep_blank_values=True)
        return set(params) <= {"x-id", "partNumber", "versionId"}

    @property
    def key(self) -> str:
        """The S3 object key of a GetObject (URL-decoded), else ""."""
        if not self.is_get_object:
            return ""
        return urllib.parse.unquote(self.path.lstrip("/").split("/", 1)[1])

    def identity(self) -> str:
        """Stable across runs: an AssumeRole's ``RoleSessionName`` (it holds the run id) is left out, and so are the
        credentials (assumed ones differ each run). The same call in two accounts is therefore one identity: with
        ``times=1`` whichever comes first is faulted; the counts stay the same whatever the order."""
        body = self.body
        if self.action == "AssumeRole":
            body = re.sub(rb"(^|&)RoleSessionName=[^&]*", b"", body)
        h = hashlib.sha256(body).hexdigest()[:16]
        return f"{self.method} {self.region} {self.path}?{self.query} {self.target} {h}"


@dataclass
class Rule:
    """A chosen fault: the requests it matches fail with ``kind`` on their first ``times`` attempts, or on every
    attempt (``times=None``: a permanent fault). ``operation``, ``key`` and ``query`` are regular expressions
    searched in :attr:`Request.operation`, :attr:`Request.key` and the URL-decoded query; ``region`` must equal the
    request's signing region (empty: anything)."""

    kind: str
    operation: str = ""
    key: str = ""
    query: str = ""
    region: str = ""
    times: int | None = None

    def matches(self, req: Request) -> bool:
        return bool((not self.operation or re.search(self.operation, req.operation))
                    and (not self.key or re.search(self.key, req.key))
                    and (not self.query or re.search(self.query, urllib.parse.unquote(req.query)))
                    and (not self.region or self.region == req.region))


@dataclass
class FaultPlan:
    """Which requests fail, and how. ``rates`` maps a fault kind to the share of request identities that get it
    (one draw per identity, so the kinds exclude each other); ``protocol_rates`` replaces it for the requests of
    one protocol (``rest-xml``: S3, ``json``, ``query``). A chosen request fails on its first ``times`` attempts.
    ``truncate`` only applies where a body can be cut short: S3 GetObject, or any response when ``truncate_any``.
    ``rules`` come before any draw: the first that matches decides."""

    seed: int = 0
    rates: dict[str, float] = field(default_factory=dict)
    protocol_rates: dict[str, dict[str, float]] = field(default_factory=dict)
    times: int = 1
    truncate_any: bool = False
    rules: list[Rule] = field(default_factory=list)

    def __post_init__(self):
        tables = [self.rates, *self.protocol_rates.values()]
        unknown = (set().union(*tables) | {r.kind for r in self.rules}) - set(KINDS)
        if unknown:
            raise ValueError(f"unknown fault kinds: {sorted(unknown)}")
        if any(sum(t.values()) > 1 for t in tables):
            raise ValueError("fault rates add up to more than 1")
        if set(self.protocol_rates) - {"rest-xml", "json", "query"}:
            raise ValueError(f"unknown protocols: {sorted(self.protocol_rates)}")

    def choose(self, req: Request, attempt: int) -> str | None:
        """The fault for the ``attempt``-th (0-based) time this request identity is seen, or None to forward."""
        for rule in self.rules:
            if rule.matches(req):
                return rule.kind if rule.times is None or attempt < rule.times else None
        rates = self.protocol_rates.get(req.protocol, self.rates)
        if attempt >= self.times or not rates:
            return None
        x = random.Random(f"{self.seed}|{req.identity()}").random()
        edge = 0.0
        for kind in KINDS:  # a fixed order: the same draw gives the same kind in every run
            if kind == "truncate" and not (self.truncate_any or req.is_get_object):
                continue
            edge += rates.get(kind, 0.0)
            if x < edge:
                return kind
        return None


class _Abort(Exception):
    """The handler dropped the connection on purpose."""


class FaultProxy:
    """``with FaultProxy(upstream_url, plan) as proxy:`` ... ``proxy.url`` ... ``proxy.injected``."""

    def __init__(self, upstream: str, plan: FaultPlan | None = None):
        u = urllib.parse.urlsplit(upstream)
        if u.scheme != "http" or not u.hostname or not u.port:
            raise ValueError(f"upstream must be http://host:port, not {upstream!r}")
        self.upstream_host, self.upstream_port = u.hostname, u.port
        self.plan = plan or FaultPlan()
        self._lock = threading.Lock()
        self._attempts: Counter[str] = Counter()
        self.injected: Counter[str] = Counter()  # kind -> how many
        self.injected_by_operation: Counter[tuple[str, str]] = Counter()  # (operation, kind) -> how many
        self.injected_by_protocol: Counter[tuple[str, str]] = Counter()  # (rest-xml | json | query, kind) -> how many
        self.faulted_keys: Counter[str] = Counter()  # S3 key -> faults injected on its GetObject
        self.forwarded: Counter[str] = Counter()  # operation -> requests passed through untouched
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    # -- life cycle ----------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        assert self._server is not None, "start() the proxy first"
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    def start(self) -> "FaultProxy":
        proxy = self

        class Handler(_Handler):
            owner = proxy

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, name="fault-proxy", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def __enter__(self) -> "FaultProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    def set_plan(self, plan: FaultPlan) -> None:
        """A new plan, and attempt counts from zero (counters of what was injected are kept)."""
        with self._lock:
            self.plan = plan
            self._attempts.clear()

    @property
    def total_injected(self) -> int:
        return sum(self.injected.values())

    # -- one request ---------------------------------------------------------------------------------------------

    def _decide(self, req: Request) -> str | None:
        with self._lock:
            ident = req.identity()
            attempt = self._attempts[ident]
            self._attempts[ident] += 1
            return self.plan.choose(req, attempt)

    def _count(self, req: Request, kind: str | None) -> None:
        with self._lock:
            if kind is None:
                self.forwarded[req.operation] += 1
                return
            self.injected[kind] += 1
            self.injected_by_operation[(req.operation, kind)] += 1
            self.injected_by_protocol[(req.protocol, kind)] += 1
            if req.is_get_object:
                self.faulted_keys[req.key] += 1

    def _forward(self, req: Request, headers) -> tuple[int, str, list[tuple[str, str]], bytes]:
        conn = http.client.HTTPConnection(self.upstream_host, self.upstream_port, timeout=60)
        try:
            url = req.path + (f"?{req.query}" if req.query else "")
            out_headers = {k: v for k, v in headers.items() if k.lower() not in _HOP_BY_HOP}
            conn.request(req.method, url, body=req.body if req.body or req.method in ("POST", "PUT") else None,
                         headers=out_headers)
            resp = conn.getresponse()
            body = resp.read()
            return resp.status, resp.reason, [(k, v) for k, v in resp.getheaders()
                                              if k.lower() not in _HOP_BY_HOP], body
        finally:
            conn.close()


def _throttle_answer(req: Request) -> tuple[int, str, bytes]:
    if req.protocol == "json":
        return 400, "application/x-amz-json-1.1", b'{"__type":"ThrottlingException","message":"Rate exceeded"}'
    if req.protocol == "query":
        return 400, "text/xml", (b'<ErrorResponse xmlns="https://iam.amazonaws.com/doc/2010-05-08/"><Error>'
                                 b"<Type>Sender</Type><Code>Throttling</Code><Message>Rate exceeded</Message>"
                                 b"</Error><RequestId>fault-proxy</RequestId></ErrorResponse>")
    return 503, "application/xml", (b'<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>SlowDown</Code>'
                                    b"<Message>Please reduce your request rate.</Message>"
                                    b"<RequestId>fault-proxy</RequestId></Error>")


class _Handler(BaseHTTPRequestHandler):
    owner: FaultProxy
    protocol_version = "HTTP/1.1"  # keep-alive: botocore pools connections

    def log_message(self, format, *args):  # noqa: A002 - the stdlib's signature
        pass

    def handle_one_request(self):
        try:
            super().handle_one_request()
        except _Abort:
            self.close_connection = True
        except (ConnectionError, BrokenPipeError):
            self.close_connection = True

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailers
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        n = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(n) if n else b""

    def _serve(self):
        body = self._read_body()
        path, _, query = self.path.partition("?")
        action = ""
        ctype = self.headers.get("Content-Type", "")
        if self.command == "POST" and "x-www-form-urlencoded" in ctype:
            action = urllib.parse.parse_qs(body.decode("utf-8", "replace")).get("Action", [""])[0]
        scope = re.search(r"Credential=[^/]+/\d{8}/([^/]+)/", self.headers.get("Authorization", ""))
        req = Request(method=self.command, path=path, query=query, target=self.headers.get("X-Amz-Target", ""),
                      action=action, body=body, region=scope.group(1) if scope else "")
        kind = self.owner._decide(req)
        if kind != "truncate":
            self.owner._count(req, kind)
        if kind == "reset":
            self._reset()
        if kind == "throttle":
            self._answer(*_throttle_answer(req))
            return
        if kind in ("500", "503"):
            text = b"Internal Server Error" if kind == "500" else b"Service Unavailable"
            self._answer(int(kind), "text/plain", text)
            return
        status, reason, headers, payload = self.owner._forward(req, self.headers)
        if kind == "truncate":
            if len(payload) < 2 or self.command == "HEAD":
                kind = None  # nothing to cut: forwarded whole
            self.owner._count(req, kind)
        self.send_response_only(status, reason)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(payload)))
        if kind == "truncate":
            self.send_header("Connection", "close")
            self.end_headers()
            self.wfile.write(payload[: len(payload) // 2])
            self.wfile.flush()
            try:
                self.connection.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
            raise _Abort()
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _answer(self, status: int, ctype: str, body: bytes) -> None:
        self.send_response_only(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("x-amz-request-id", "fault-proxy")
        self.end_headers()
        self.wfile.write(body)

    def _reset(self):
        """RST the connection: SO_LINGER with a zero timeout, then close the socket and both of its file objects
        (the descriptor is only closed when the last of them is)."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.connection.close()
        self.rfile.close()
        self.wfile.close()
        raise _Abort()

    do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = do_PATCH = _serve
