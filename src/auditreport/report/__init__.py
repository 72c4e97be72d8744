"""Reports: report.html, report.pdf and report-sql.pdf (Appendix A's SQL texts) from one template set, findings.json (with its JSON Schema beside it),
evidence/<check_id>.csv, and the interchange formats built from the same findings document: findings.sarif
(SARIF 2.1.0), junit.xml, findings.ocsf.json (OCSF Compliance Findings) and assessment-results.oscal.json (OSCAL).

    write_reports(result, out_dir, evidence_row_cap=25) -> {"report_html": ..., "report_pdf": ..., "report_sql_pdf": ...,
        "findings_json": ..., "findings_schema": ..., "findings_sarif": ..., "junit_xml": ...,
        "findings_ocsf": ..., "assessment_results_oscal": ..., "evidence_dir": ..., "evidence:<check_id>": ..., "evidence_parquet:<check_id>": ...}

The frameworks and shared views come from ``result.catalogue``.

Before the HTML and PDF are rendered, ``result.integrity`` gets the run's two digests (inputs, and findings.json as
just written), which the report prints and manifest.json then records (:mod:`auditreport.integrity`).

The HTML and PDF cap each evidence table at ``evidence_row_cap`` rows (failing rows first) and name the CSV that holds
them all; findings.json and the CSVs hold every row, so the PDF stays bounded whatever the month holds.

Each output's seconds go to ``timings`` when given (``report.<output>``; the run keeps them in manifest.json).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from ..checks.frameworks import Framework
from ..results import RunResult
from ..integrity import file_sha256, inputs_digest
from ._io import atomic_write_text
from .evidence import write_evidence
from .findings import findings_document, write_findings_document, write_findings_schema
from .html import SQL_PDF, DocumentRenderer, render_html
from .pdf import write_pdf
from .trend import compare, keep

def _timed_call(timings: dict[str, float], name: str, fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    timings[name] = round(time.perf_counter() - t0, 3)
    return out


__all__ = ["render_html", "report_frameworks", "write_interchange_formats", "write_reports"]


def report_frameworks(result: RunResult) -> dict[str, Framework]:
    """The frameworks the report inverts the checks' mappings into: the run's catalogue's (none without one: the
    report then lists framework and requirement ids only)."""
    return result.catalogue.frameworks if result.catalogue is not None else {}


def write_interchange_formats(doc: dict, out_dir: Path, frameworks: dict[str, Framework]) -> dict[str, Path]:
    """SARIF, JUnit XML, OCSF and OSCAL from the findings document; output name -> path."""
    from .junit import write_junit
    from .ocsf import write_ocsf
    from .oscal import write_oscal
    from .sarif import write_sarif

    return {
        "findings_sarif": write_sarif(doc, out_dir / "findings.sarif"),
        "junit_xml": write_junit(doc, out_dir / "junit.xml"),
        "findings_ocsf": write_ocsf(doc, out_dir / "findings.ocsf.json", frameworks),
        "assessment_results_oscal": write_oscal(doc, out_dir / "assessment-results.oscal.json", frameworks),
    }


def write_reports(
    result: RunResult,
    out_dir: Path,
    evidence_row_cap: int = 25,
    *,
    quarantine_row_cap: int = 50,
    input_row_cap: int = 500,
    generated_at: datetime | None = None,
    pdf: bool = True,
    history_dir: Path | None = None,
    keep_history: bool = False,
    signing=None,
    timings: dict[str, float] | None = None,
    on_handed_out: Callable[[], None] | None = None,
) -> dict[str, Path]:
    """Write every report output into ``out_dir``; return output name -> path.

    The frameworks come from ``result.catalogue``. ``pdf=False`` skips the (slow) PDF render. ``history_dir`` holds
    earlier runs' findings to compare with (:mod:`.trend`); ``keep_history`` adds this run's findings to it.
    ``signing``: None, or (signer, SigningSettings) to sign report.pdf. ``timings``: output -> seconds, filled in.
    ``on_handed_out``: called once, as soon as report.pdf's parts are with its render workers (without the PDF, once
    its HTML would have been): the caller's cue for work of its own that would otherwise delay their start.
    """
    if evidence_row_cap < 1:
        raise ValueError("evidence_row_cap must be at least 1")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    generated_at = generated_at or datetime.now(timezone.utc)

    timings = {} if timings is None else timings

    @contextmanager
    def timed(name: str):
        t0 = time.perf_counter()
        yield
        timings[f"report.{name}"] = round(time.perf_counter() - t0, 3)

    outputs: dict[str, Path] = {}
    with timed("findings.json"):
        trend = compare(result, history_dir)
        if result.masker is not None:  # the earlier runs' findings name their resources as those runs wrote them
            from ..masking import mask_trend

            mask_trend(trend, result.masker)
        doc = findings_document(result, generated_at, trend)  # every machine-readable format is built from this one
        outputs["findings_json"] = write_findings_document(doc, out_dir / "findings.json")
        outputs["findings_schema"] = write_findings_schema(out_dir)
        if keep_history and history_dir is not None:
            outputs["history_findings"] = keep(outputs["findings_json"], result, history_dir)
    result.integrity.update(inputs_sha256=inputs_digest(result.inputs),
                            findings_sha256=file_sha256(outputs["findings_json"]),
                            report_pdf_signed=bool(pdf and signing is not None))  # fmt: skip

    t_html = time.perf_counter()  # report.html's seconds: the view, report.pdf's HTML and report.html's
    renderer = DocumentRenderer(result, report_frameworks(result), generated_at, evidence_row_cap, quarantine_row_cap,
                                input_row_cap, trend=trend)  # fmt: skip
    pdf_html = renderer.pdf_html() if pdf else None
    seconds_html = time.perf_counter() - t_html
    # report.pdf first, in a thread that hands its parts to the render workers (:mod:`.pdf`) and waits: report.html
    # and the outputs that do not go into the report (evidence files, interchange formats, report-sql.pdf) are
    # written meanwhile, on the cores the parts leave free at their start and end. An error in either surfaces once
    # both are done.
    with ThreadPoolExecutor(max_workers=1) as pool:
        handed_out = threading.Event()
        report_pdf = pool.submit(_timed_call, timings, "report.pdf", write_pdf, pdf_html, out_dir / "report.pdf",
                                 signing, handed_out) if pdf else None  # fmt: skip
        # nothing else here until the parts are with the workers: report.html's render would hold the GIL the
        # thread cutting and handing them out needs (0.1-0.2 s later to start, measured)
        while report_pdf is not None and not handed_out.wait(0.05) and not report_pdf.done():
            pass
        if on_handed_out is not None:
            on_handed_out()
        t_html = time.perf_counter()
        html_path = out_dir / "report.html"
        atomic_write_text(html_path, renderer.html())
        outputs["report_html"] = html_path
        timings["report.html"] = round(seconds_html + time.perf_counter() - t_html, 3)
        with timed("evidence"):
            evidence = write_evidence(result, out_dir)
        with timed("interchange"):
            outputs.update(write_interchange_formats(doc, out_dir, report_frameworks(result)))
        if pdf:
            from .sql_pdf import write_sql_pdf  # pydyf and fontTools: only the PDFs need them

            outputs["report_sql_pdf"] = _timed_call(timings, "report-sql.pdf", write_sql_pdf, renderer.sql(),
                                                    out_dir / SQL_PDF)  # fmt: skip
            outputs["report_pdf"] = report_pdf.result()
        else:
            (out_dir / SQL_PDF).unlink(missing_ok=True)  # never left from an earlier run beside a report without it
    outputs["evidence_dir"] = out_dir / "evidence"
    for check_id, path in evidence.items():
        kind, _, cid = check_id.rpartition(":")  # "parquet:<id>" is the Parquet twin of evidence:<id>'s CSV
        outputs[f"evidence_{kind}:{cid}" if kind else f"evidence:{cid}"] = path
    return outputs
