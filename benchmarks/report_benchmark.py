"""Report benchmark: the report stage of ``auditreport run`` (every output: evidence CSV/Parquet, findings.json, SARIF,
JUnit, OCSF, OSCAL, report.html, report.pdf with report-sql.pdf beside it, audit.duckdb) on the bundled sample month,
and on the same month with one failing check inflated to 50,000 failing evidence rows.

Targets (issue 10, "Rendered fast"): the sample month's report stage <= 5 s on the project's 2-core machine; the
50,000-row month <= 30 s, with every row in the evidence files and the PDF bounded.

Each month runs in a fresh process (``--one``), which extracts, loads and checks it with the library (``runner.Run``),
then times ``Run.report()`` exactly as a run does; seconds per output come from the run's own timings
(``manifest.json``'s ``timings_seconds``). Beside it, in the same process and so under the same load, the yardstick:
WeasyPrint laying out and writing a **text floor** of as many pages as report.pdf: A4 pages of the report's
``@page`` rules, each filled with one pre-formatted block of 60 lines of 100 characters, the cheapest way WeasyPrint
fills a page with text. The ratio report.pdf / floor says how far the report's own layout is from that floor.

    python benchmarks/report_benchmark.py [--rows 50000] [--repeat 1] [--json FILE]
"""

from __future__ import annotations

import argparse
import compileall
import csv
import json
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
SAMPLE_TARGET_S, LARGE_TARGET_S = 5.0, 30.0


def pdf_pages(path: Path) -> int:
    info = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True).stdout
    return int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))


def text_floor(pages: int) -> float:
    """Seconds WeasyPrint takes to lay out and write ``pages`` A4 pages of plain pre-formatted text."""
    from weasyprint import HTML

    line = ("select resource, status, reason from cloudtrail_events_unique where event_time >= $period_start "
            "and 1 = 1 ")[:100]
    page = "<pre>" + "\n".join(f"{i:3d} {line}" for i in range(60)) + "</pre>"
    html = ("<html><head><style>@page { size: A4; margin: 19mm 15mm 17mm 15mm; "
            "@bottom-right { content: 'Page ' counter(page) ' of ' counter(pages); } } "
            "pre { font-size: 6.6pt; margin: 0; break-after: page; }</style></head><body>"
            + page * pages + "</body></html>")  # fmt: skip
    t0 = time.perf_counter()
    HTML(string=html).render().write_pdf()
    return time.perf_counter() - t0


def inflate(result, rows: int) -> str:
    """Make the failing check with the most rows return ``rows`` failing rows (copies of its first failing row, each
    its own resource); return its id."""
    check = max((c for c in result.checks if c.status == "fail"), key=lambda c: len(c.rows))
    first = next(r for r in check.rows if r.get("status") == "fail")
    check.rows = [dict(first, resource=f"{first['resource']} #{i}", reason=f"{first['reason']} (copy {i})")
                  for i in range(rows)]  # fmt: skip
    return check.check.id


def one(month: str, rows: int, out: Path) -> dict:
    """Run in a fresh process: extract, load and check the sample month, inflate it for ``large``, time the report."""
    sys.path.insert(0, str(ROOT / "src"))
    from auditreport.config import load_config
    from auditreport.runner import Run

    config = load_config(ROOT / "sample_data" / "auditreport.toml")
    shutil.rmtree(out, ignore_errors=True)
    run = Run(config, config.resolve_period(None), out)
    try:
        run.extract_and_load()
        run.check()
        inflated = inflate(run.result, rows) if month == "large" else None
        t0 = time.perf_counter()
        run.report()
        report_s = time.perf_counter() - t0
    finally:
        run.close()
    timings = run.result.timings
    pages = pdf_pages(out / "report.pdf")
    figures = {
        "month": month, "report_s": report_s, "pages": pages, "sql_pages": pdf_pages(out / "report-sql.pdf"),
        "outputs_s": {k: v for k, v in timings.items() if k.startswith("report.") or k == "report-sql.pdf"},
        "peak_rss_mib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "floor_s": text_floor(pages),
    }  # fmt: skip
    if inflated:  # every row in the evidence files, the PDF bounded and naming them
        with open(out / "evidence" / f"{inflated}.csv", newline="", encoding="utf-8") as f:
            csv_rows = sum(1 for _ in csv.reader(f)) - 1
        import pyarrow.parquet as pq

        text = subprocess.run(["pdftotext", str(out / "report.pdf"), "-"], check=True, capture_output=True,
                              text=True).stdout
        figures.update(check=inflated, rows=rows, csv_rows=csv_rows,
                       parquet_rows=pq.read_metadata(out / "evidence" / f"{inflated}.parquet").num_rows,
                       pdf_names_the_rest=f"{rows - 25:,} more rows in evidence/{inflated}.csv" in " ".join(text.split()))
    return figures


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=50_000, help="failing evidence rows of the large month (50,000)")
    ap.add_argument("--repeat", type=int, default=1, help="runs per month; the fastest is quoted")
    ap.add_argument("--json", type=Path, help="write every figure here as JSON")
    ap.add_argument("--one", choices=["sample", "large"], help=argparse.SUPPRESS)
    ap.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.one:
        print(json.dumps(one(args.one, args.rows, args.out)))
        return
    # The package as an installed one runs: its modules compiled to bytecode (pip compiles on install). Where
    # PYTHONDONTWRITEBYTECODE is set, a checkout's modules would otherwise be compiled again in every run.
    compileall.compile_dir(ROOT / "src", quiet=1)
    runs: dict[str, list[dict]] = {"sample": [], "large": []}
    with tempfile.TemporaryDirectory(prefix="auditreport-report-bench-") as tmp:
        for month in runs:
            for _ in range(max(1, args.repeat)):
                proc = subprocess.run([sys.executable, __file__, "--one", month, "--rows", str(args.rows), "--out",
                                       str(Path(tmp) / month)], capture_output=True, text=True, cwd=ROOT)  # fmt: skip
                if proc.returncode:
                    sys.exit(f"{month}: the run failed: {proc.stderr.strip()[-800:]}")
                runs[month].append(json.loads(proc.stdout.strip().splitlines()[-1]))
    for month, target in (("sample", SAMPLE_TARGET_S), ("large", LARGE_TARGET_S)):
        best = min(runs[month], key=lambda r: r["report_s"])
        per = ", ".join(f"{k.removeprefix('report.')} {v:.2f}" for k, v in best["outputs_s"].items())
        print(f"{month}: report stage {best['report_s']:.2f} s (target {target:.0f} s: {best['report_s'] / target:.2f} "
              f"of it); report.pdf {best['pages']} pages, report-sql.pdf {best['sql_pages']} pages")
        print(f"  seconds per output: {per}")
        print(f"  peak RSS of the run's process: {best['peak_rss_mib']:,.0f} MiB")
        pdf_s = best["outputs_s"].get("report.pdf")
        if pdf_s:
            print(f"  text floor ({best['pages']} pages of plain text, same process): {best['floor_s']:.2f} s; "
                  f"report.pdf / floor = {pdf_s / best['floor_s']:.2f}; the stage / floor = "
                  f"{best['report_s'] / best['floor_s']:.2f} (the host's speed drifts: read this with the seconds)")
        if month == "large":
            print(f"  {best['check']}: {best['rows']:,} failing rows; CSV {best['csv_rows']:,}, Parquet "
                  f"{best['parquet_rows']:,}; the PDF names the file with the rest: {best['pdf_names_the_rest']}")
    if args.json:
        args.json.write_text(json.dumps(runs, indent=1))


if __name__ == "__main__":
    main()
