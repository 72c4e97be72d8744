"""``auditreport verify DIR``: does a finished run's output folder still hold what the run wrote?

In order, one :class:`Check` each: the manifest's seal; the SHA-256 of every output file the manifest lists (hashed
in parallel, streamed: audit.duckdb is not hashed, it changes when opened); the inputs digest recomputed from the
manifest's inputs; the findings digest against findings.json; the digests the report printed (report.html's
Appendix D, report.pdf's keywords) against the manifest's; and, when report.pdf is signed, its PAdES signature
(the signed bytes intact and covering the whole file, the signer's certificate against ``--trust`` roots).
The first check that fails names its file and what differs.
"""

from __future__ import annotations

import json
import os
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from .errors import ConfigError, EnvironmentFailure
from .integrity import file_sha256, inputs_digest, unseal

OK, FAIL, NOTE = "ok", "FAIL", "note"


@dataclass
class Check:
    outcome: str  # ok | FAIL | note (holds, but says something the reader should know)
    file: str  # the file the check is about, relative to DIR
    what: str  # one line: what was checked, or what differs

    def line(self) -> str:
        return f"{self.outcome:<4}  {self.file}: {self.what}"


@dataclass
class Verification:
    folder: Path
    checks: list[Check]

    @property
    def ok(self) -> bool:
        return all(c.outcome != FAIL for c in self.checks)

    @property
    def first_failure(self) -> Check | None:
        return next((c for c in self.checks if c.outcome == FAIL), None)


def _short(h: str) -> str:
    return f"{h[:12]}…"


def load_trust_roots(paths: list[Path]) -> list:
    """Certificates (PEM or DER, several per PEM file) from ``--trust``; ConfigError naming an unreadable one."""
    from pyhanko.keys import load_certs_from_pemder_data

    roots = []
    for p in paths:
        try:
            certs = list(load_certs_from_pemder_data(Path(p).read_bytes()))
            for c in certs:
                c.native  # noqa: B018 - parse now, so that a file that is not a certificate is named here
        except OSError as e:
            raise ConfigError(f"--trust: cannot read {p}: {e.strerror or e}") from None
        except ValueError as e:
            raise ConfigError(f"--trust: {p} is not a PEM or DER certificate: {e}") from None
        if not certs:
            raise ConfigError(f"--trust: {p} holds no certificate")
        roots += certs
    return roots


def verify(folder: Path, trust: list[Path] | None = None, expect_signature: bool = False,
           workers: int | None = None) -> Verification:  # fmt: skip
    """Check ``folder``; EnvironmentFailure when it cannot be read at all. ``expect_signature``: a configuration
    with ``[signing]`` says report.pdf must be signed, whatever the manifest says."""
    folder = Path(folder)
    roots = load_trust_roots(trust or [])
    if not folder.is_dir():
        raise EnvironmentFailure(folder, "no such folder" if not folder.exists() else "not a folder")
    if not os.access(folder, os.R_OK | os.X_OK):
        raise EnvironmentFailure(folder, "Permission denied")
    checks: list[Check] = []
    manifest = _manifest(folder, checks)
    if manifest is None:
        return Verification(folder, checks)
    outputs = _outputs(folder, manifest, checks, workers)
    integrity = manifest.get("integrity") or {}
    _digests(folder, manifest, integrity, outputs, checks)
    if "report_pdf" in outputs:
        _signature(folder / outputs["report_pdf"], outputs["report_pdf"], roots, trust,
                   expect_signature or bool(integrity.get("report_pdf_signed")), integrity, checks)  # fmt: skip
    return Verification(folder, checks)


def _manifest(folder: Path, checks: list[Check]) -> dict | None:
    path = folder / "manifest.json"
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        checks.append(Check(FAIL, "manifest.json", "missing: not the output folder of a run, or the manifest was removed"))
        return None
    except OSError as e:
        raise EnvironmentFailure(path, e.strerror or str(e)) from None
    try:
        manifest = json.loads(data)
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
    except ValueError as e:
        checks.append(Check(FAIL, "manifest.json", f"not valid JSON any more ({str(e).splitlines()[0]})"))
        return None
    recorded, actual = unseal(data)
    if recorded is None:
        checks.append(Check(FAIL, "manifest.json", "has no manifest_sha256 seal as its first key (written by an "
                                                   "auditreport without verify, or edited)"))  # fmt: skip
        return None
    if recorded != actual:
        checks.append(Check(FAIL, "manifest.json", f"changed since it was written: its seal says {_short(recorded)}, "
                                                   f"its content hashes to {_short(actual)}"))  # fmt: skip
        return None
    checks.append(Check(OK, "manifest.json", "sealed, unchanged since it was written"))
    return manifest


def _outputs(folder: Path, manifest: dict, checks: list[Check], workers: int | None) -> dict[str, str]:
    """Hash every output the manifest lists with a SHA-256; return output name -> path relative to ``folder``."""
    outputs = manifest.get("outputs")
    listed = []
    for name, o in (outputs.items() if isinstance(outputs, dict) else []):
        if isinstance(o, dict) and "sha256" in o:
            if isinstance(o.get("path"), str) and isinstance(o["sha256"], str):
                listed.append((name, o["path"], o["sha256"]))
            else:
                checks.append(Check(FAIL, "manifest.json", f"output {name!r} has no path or SHA-256 as text"))
    if not isinstance(outputs, dict) or not listed:
        checks.append(Check(FAIL, "manifest.json", "lists no output with a SHA-256"))

    def digest(rel: str) -> str | OSError:
        try:
            return file_sha256(folder / rel)
        except OSError as e:
            return e

    # hashlib releases the GIL for each megabyte it hashes: threads hash several files at once
    with ThreadPoolExecutor(max_workers=workers or min(8, (os.cpu_count() or 1) * 2)) as pool:
        actual = list(pool.map(digest, [rel for _, rel, _ in listed]))
    for (_name, rel, want), got in zip(listed, actual):
        if isinstance(got, FileNotFoundError):
            checks.append(Check(FAIL, rel, "missing"))
        elif isinstance(got, OSError):
            checks.append(Check(FAIL, rel, f"unreadable: {got.strerror or got}"))
        elif got != want:
            checks.append(Check(FAIL, rel, f"SHA-256 differs: the manifest records {_short(want)}, the file hashes "
                                           f"to {_short(got)}"))  # fmt: skip
        else:
            checks.append(Check(OK, rel, f"SHA-256 {_short(got)} as recorded"))
    return {name: rel for name, rel, _ in listed}


def _digests(folder: Path, manifest: dict, integrity: dict, outputs: dict[str, str], checks: list[Check]) -> None:
    inputs_want, findings_want = integrity.get("inputs_sha256"), integrity.get("findings_sha256")
    if not inputs_want:
        checks.append(Check(FAIL, "manifest.json", "records no inputs digest (integrity.inputs_sha256)"))
    else:
        try:
            got = inputs_digest(manifest.get("inputs") or [])
        except (KeyError, TypeError, AttributeError):
            checks.append(Check(FAIL, "manifest.json", "an input lacks its source, key or sha256 as text"))
            return
        checks.append(Check(OK, "manifest.json", f"inputs digest {_short(got)} recomputed from its "
                                                 f"{len(manifest.get('inputs') or []):,} inputs") if got == inputs_want
                      else Check(FAIL, "manifest.json", f"inputs digest differs: recorded {_short(inputs_want)}, "
                                                        f"recomputed {_short(got)}"))  # fmt: skip
    if "findings_json" in outputs:
        rel = outputs["findings_json"]
        try:
            got = file_sha256(folder / rel)
        except OSError:
            got = None  # already reported with the outputs
        if not findings_want:
            checks.append(Check(FAIL, rel, "the manifest records no findings digest (integrity.findings_sha256)"))
        elif got is not None:
            checks.append(Check(OK, rel, f"findings digest {_short(got)} as recorded") if got == findings_want else
                          Check(FAIL, rel, f"findings digest differs: recorded {_short(findings_want)}, "
                                           f"the file hashes to {_short(got)}"))  # fmt: skip
    if "report_html" in outputs and inputs_want and findings_want:
        _printed(folder / outputs["report_html"], outputs["report_html"], inputs_want, findings_want, checks)


_PRINTED = {name: re.compile(rf'id="{name}">([0-9a-f]{{64}})<'.encode()) for name in ("inputs-sha256", "findings-sha256")}


def _printed(path: Path, rel: str, inputs_want: str, findings_want: str, checks: list[Check]) -> None:
    """The digests report.html prints (Appendix D) are the manifest's."""
    try:
        html = path.read_bytes()
    except OSError:
        return  # already reported with the outputs
    for name, want in (("inputs-sha256", inputs_want), ("findings-sha256", findings_want)):
        m = _PRINTED[name].search(html)
        if m is None:
            checks.append(Check(FAIL, rel, f"prints no {name.replace('-', ' ')} digest"))
        elif m.group(1).decode() != want:
            checks.append(Check(FAIL, rel, f"prints {name.replace('-', ' ')} {_short(m.group(1).decode())}, the "
                                           f"manifest records {_short(want)}"))  # fmt: skip
        else:
            checks.append(Check(OK, rel, f"prints the manifest's {name.replace('-', ' ')} digest"))


def _signature(path: Path, rel: str, roots: list, trust, expected: bool, integrity: dict, checks: list[Check]) -> None:
    from .pdf_signature import read_signature

    if not path.is_file():
        return  # already reported with the outputs
    status = read_signature(path, roots)
    if status.error:
        checks.append(Check(FAIL, rel, status.error))
        return
    _pdf_keywords(status.keywords, rel, integrity, checks)
    if not status.signed:
        checks.append(Check(FAIL, rel, "not signed, but the run was configured to sign it ([signing])") if expected
                      else Check(NOTE, rel, "not signed (no [signing] in the run's configuration)"))  # fmt: skip
    elif not status.intact:
        checks.append(Check(FAIL, rel, f"signature broken: the signed bytes changed since {status.signer} signed them"))
    elif not status.whole_file:
        checks.append(Check(FAIL, rel, f"signature intact, but bytes were added after it ({status.coverage})"))
    elif not trust:
        checks.append(Check(NOTE, rel, f"signature intact (PAdES, signed by {status.signer}); the signer is not "
                                       "verified: pass the certificate you trust with --trust CERT"))  # fmt: skip
    elif status.trusted:
        checks.append(Check(OK, rel, f"signature intact and signer trusted (PAdES, signed by {status.signer})"))
    else:
        checks.append(Check(FAIL, rel, f"signature intact, but the signer {status.signer} does not chain to the "
                                       f"--trust certificate(s): {status.trust_problem}"))  # fmt: skip


_KEYWORD = re.compile(r"(inputs-sha256|findings-sha256) ([0-9a-f]{64})")


def _pdf_keywords(keywords: str, rel: str, integrity: dict, checks: list[Check]) -> None:
    """The digests report.pdf carries in its keywords (the same as its Appendix D prints) are the manifest's."""
    printed = dict(_KEYWORD.findall(keywords or ""))
    for name in ("inputs-sha256", "findings-sha256"):
        want = integrity.get(name.replace("-", "_"))
        if not want:
            continue  # the manifest's own check says so
        got = printed.get(name)
        if got is None:
            checks.append(Check(FAIL, rel, f"carries no {name.replace('-', ' ')} digest in its keywords"))
        elif got != want:
            checks.append(Check(FAIL, rel, f"carries {name.replace('-', ' ')} {_short(got)}, the manifest records "
                                           f"{_short(want)}"))  # fmt: skip
        else:
            checks.append(Check(OK, rel, f"carries the manifest's {name.replace('-', ' ')} digest"))
