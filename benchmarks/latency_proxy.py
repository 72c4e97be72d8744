"""A reverse proxy that gives a local S3 server (moto) the first-byte latency of the real one.

Every request is forwarded at once to the upstream server; the upstream's answer is then held for ``latency``
seconds (S3's time to first byte is about 20 ms a request) before its first byte goes to the client, and its body
is streamed on as it arrives. So each request takes what the upstream takes plus ``latency``, and requests on
different connections wait side by side, as they do against S3: a client that keeps 16 requests in flight gets
about 16 times the throughput of one that keeps one, as long as the upstream itself keeps up.

HTTP/1.1 with keep-alive towards the client, as S3 does (botocore pools its connections; a new TCP connection per
request would measure something else), whatever the upstream does: each client connection has its own upstream
connection, kept for the following requests if the upstream allows it and opened again if not (the moto server's
werkzeug closes every connection after one answer). Request and response bodies are streamed in their
``Content-Length`` or chunked framing; ``Expect: 100-continue`` is answered by the proxy itself. Stdlib only
(asyncio, one event loop in one thread): some 0.5 ms of CPU a request, far less than the moto server behind it, so
it is not the bottleneck at 16 concurrent clients. ``requests``, ``max_in_flight`` (the most requests it held at
once: the client's real concurrency) and ``upstream_seconds`` say what it saw.

    proxy = LatencyProxy("http://127.0.0.1:5000", latency=0.020).start()
    ... point the client's endpoint_url at proxy.url ...
    proxy.stop()

or, in a process of its own (what benchmarks/live_s3_benchmark.py does, so that the proxy shares no interpreter
lock with the client it measures):

    python benchmarks/latency_proxy.py --upstream http://127.0.0.1:5000 --latency-ms 20 [--port 0]

which prints ``listening on <port>`` once it accepts connections and serves until SIGTERM or SIGINT.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import threading
import urllib.parse

_CHUNK = 64 * 1024
_HEAD_LIMIT = 1 << 20


class LatencyProxy:
    """``LatencyProxy(upstream, latency).start()`` ... ``.url`` / ``.port`` ... ``.stop()``; or ``with``."""

    def __init__(self, upstream: str, latency: float = 0.020, host: str = "127.0.0.1", port: int = 0):
        u = urllib.parse.urlsplit(upstream)
        if u.scheme != "http" or not u.hostname or not u.port:
            raise ValueError(f"upstream must be http://host:port, not {upstream!r}")
        if latency < 0:
            raise ValueError("latency must be >= 0")
        self.upstream_host, self.upstream_port = u.hostname, u.port
        self.latency = latency
        self.host, self.port = host, port
        self.requests = 0  # answered by the upstream, in total
        self.in_flight = 0  # requests forwarded and not yet answered in full
        self.max_in_flight = 0  # the most that were ever in flight at once: a client's real concurrency
        self.upstream_connections = 0  # opened, in total (keep-alive keeps this near the client's pool size)
        self.upstream_seconds = 0.0  # summed over requests: from the request's head to the upstream's answer head
        self._loop: asyncio.AbstractEventLoop | None = None
        self._server: asyncio.base_events.Server | None = None
        self._thread: threading.Thread | None = None
        self._tasks: set[asyncio.Task] = set()

    # -- life cycle ----------------------------------------------------------------------------------------------

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def start(self) -> "LatencyProxy":
        """Serve in a background thread; returns once the port accepts connections."""
        ready = threading.Event()
        failure: list[BaseException] = []

        def run() -> None:
            loop = asyncio.new_event_loop()
            self._loop = loop
            try:
                loop.run_until_complete(self._listen())
            except BaseException as e:  # noqa: BLE001 - handed to start()
                failure.append(e)
                ready.set()
                loop.close()
                return
            ready.set()
            try:
                loop.run_forever()
            finally:
                loop.run_until_complete(self._close())
                loop.close()

        self._thread = threading.Thread(target=run, name="latency-proxy", daemon=True)
        self._thread.start()
        ready.wait()
        if failure:
            raise failure[0]
        return self

    def stop(self) -> None:
        if self._loop is not None and self._thread is not None:
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
        self._loop = self._thread = None

    def __enter__(self) -> "LatencyProxy":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()

    async def serve_forever(self) -> None:
        """Serve on the running loop until cancelled (the command line's way)."""
        self._loop = asyncio.get_running_loop()
        await self._listen()
        try:
            await asyncio.Event().wait()
        finally:
            await self._close()

    async def _listen(self) -> None:
        self._server = await asyncio.start_server(self._client, self.host, self.port, backlog=1024)
        self.port = self._server.sockets[0].getsockname()[1]

    async def _close(self) -> None:
        if self._server is not None:
            self._server.close()
        for task in list(self._tasks):
            task.cancel()
        if self._tasks:
            await asyncio.gather(*self._tasks, return_exceptions=True)
        self._server = None

    # -- one client connection -----------------------------------------------------------------------------------

    async def _client(self, creader: asyncio.StreamReader, cwriter: asyncio.StreamWriter) -> None:
        task = asyncio.current_task()
        self._tasks.add(task)
        ureader = uwriter = None
        try:
            while True:
                try:
                    head = await creader.readuntil(b"\r\n\r\n")
                except (asyncio.IncompleteReadError, asyncio.LimitOverrunError, ConnectionError):
                    return  # the client closed its connection (or sent garbage): so do we
                method, headers = _parse_head(head)
                started = asyncio.get_running_loop().time()
                if headers.get("expect", "").lower() == "100-continue":
                    head = _drop_header(head, b"expect")
                    cwriter.write(b"HTTP/1.1 100 Continue\r\n\r\n")
                if uwriter is not None and ureader.at_eof():  # the upstream closed its idle connection
                    uwriter.close()
                    uwriter = None
                if uwriter is None:
                    ureader, uwriter = await asyncio.open_connection(self.upstream_host, self.upstream_port,
                                                                     limit=_HEAD_LIMIT)
                    self.upstream_connections += 1
                self.in_flight += 1
                self.max_in_flight = max(self.max_in_flight, self.in_flight)
                try:
                    uwriter.write(head)
                    await _copy_body(creader, uwriter, headers, until_eof=False)
                    rhead = await ureader.readuntil(b"\r\n\r\n")
                    status, rheaders = _parse_status(rhead)
                    while 100 <= status < 200:  # an interim answer (100 Continue): not the first byte yet
                        rhead = await ureader.readuntil(b"\r\n\r\n")
                        status, rheaders = _parse_status(rhead)
                    self.upstream_seconds += asyncio.get_running_loop().time() - started
                    self.requests += 1  # counted before the client can see the answer
                    no_body = method == "HEAD" or status in (204, 304)
                    delimited = no_body or "content-length" in rheaders or "chunked" in rheaders.get(
                        "transfer-encoding", "").lower()
                    upstream_closes = "close" in rheaders.get("connection", "").lower() or not delimited
                    if delimited:  # S3 keeps its connections open: so does the proxy, whatever the upstream does
                        rhead = _drop_header(rhead, b"connection")
                    if self.latency:
                        await asyncio.sleep(self.latency)
                    cwriter.write(rhead)
                    if not no_body:
                        await _copy_body(ureader, cwriter, rheaders, until_eof=not delimited)
                finally:
                    self.in_flight -= 1  # before the last bytes can reach the client, which may then send another
                await cwriter.drain()
                if upstream_closes:  # werkzeug (moto) closes after every answer: the next request opens another
                    uwriter.close()
                    uwriter = None
                if not delimited or "close" in headers.get("connection", "").lower():
                    return  # a body delimited by the end of the connection, or a client that said it is done
        except (asyncio.IncompleteReadError, ConnectionError, asyncio.LimitOverrunError, ValueError):
            return  # a connection dropped mid-message: drop the other side too, as a network would
        except asyncio.CancelledError:
            return  # stop(): the connection ends with the proxy (asyncio's streams would log a cancelled task)
        finally:
            self._tasks.discard(task)
            for w in (uwriter, cwriter):
                if w is not None:
                    w.close()


def _parse_head(head: bytes) -> tuple[str, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    return lines[0].split(" ", 1)[0], _headers(lines[1:])


def _parse_status(head: bytes) -> tuple[int, dict[str, str]]:
    lines = head.decode("latin-1").split("\r\n")
    return int(lines[0].split(" ", 2)[1]), _headers(lines[1:])


def _headers(lines: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    for line in lines:
        name, sep, value = line.partition(":")
        if sep:
            out[name.strip().lower()] = value.strip()
    return out


def _drop_header(head: bytes, name: bytes) -> bytes:
    lines = head.split(b"\r\n")
    return b"\r\n".join(line for line in lines if line.split(b":", 1)[0].strip().lower() != name)


async def _copy_body(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, headers: dict[str, str],
                     until_eof: bool) -> None:
    """Stream one message body from ``reader`` to ``writer`` in the framing its headers announce."""
    if "chunked" in headers.get("transfer-encoding", "").lower():
        while True:
            size_line = await reader.readuntil(b"\r\n")
            writer.write(size_line)
            size = int(size_line.split(b";", 1)[0].strip() or b"0", 16)
            if size == 0:  # trailers, then the blank line that ends the message
                while True:
                    line = await reader.readuntil(b"\r\n")
                    writer.write(line)
                    if line == b"\r\n":
                        break
                await writer.drain()
                return
            await _copy_exactly(reader, writer, size + 2)  # the chunk and its CRLF
        return
    if "content-length" in headers:
        await _copy_exactly(reader, writer, int(headers["content-length"]))
        return
    if until_eof:
        while data := await reader.read(_CHUNK):
            writer.write(data)
            await writer.drain()


async def _copy_exactly(reader: asyncio.StreamReader, writer: asyncio.StreamWriter, n: int) -> None:
    while n > 0:
        data = await reader.read(min(n, _CHUNK))
        if not data:
            raise asyncio.IncompleteReadError(b"", n)
        writer.write(data)
        n -= len(data)
        if writer.transport.get_write_buffer_size() > _CHUNK:
            await writer.drain()


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    p.add_argument("--upstream", required=True, help="http://host:port of the server behind the proxy")
    p.add_argument("--latency-ms", type=float, default=20.0, help="added before each answer's first byte")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=0, help="0: a free port (printed)")
    args = p.parse_args(argv)
    proxy = LatencyProxy(args.upstream, args.latency_ms / 1000, args.host, args.port)

    async def run() -> None:
        task = asyncio.current_task()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, task.cancel)
        serving = asyncio.create_task(proxy.serve_forever())
        while proxy._server is None and not serving.done():
            await asyncio.sleep(0.01)
        print(f"listening on {proxy.port}", flush=True)
        try:
            await serving
        except asyncio.CancelledError:
            serving.cancel()
            await asyncio.gather(serving, return_exceptions=True)

    asyncio.run(run())
    print(f"served {proxy.requests} requests, at most {proxy.max_in_flight} at once; the upstream answered in "
          f"{proxy.upstream_seconds / max(1, proxy.requests) * 1000:.1f} ms on average (before the added latency)",
          file=sys.stderr, flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
