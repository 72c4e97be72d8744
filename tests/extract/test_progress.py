"""Progress on stderr: visible on a terminal, silent in a scheduler's log."""

from __future__ import annotations

import io

from auditreport.extract.progress import ProgressReporter, human_bytes


class Tty(io.StringIO):
    def isatty(self):
        return True


def test_quiet_when_the_stream_is_not_a_terminal():
    stream = io.StringIO()
    p = ProgressReporter(stream)
    p("cloudtrail", 3, 2048)
    p.done("cloudtrail")
    assert stream.getvalue() == "" and p.totals("cloudtrail") == (3, 2048)


def test_on_a_terminal_one_line_per_source_rewritten_in_place():
    stream = Tty()
    p = ProgressReporter(stream, min_interval=0)
    p("cloudtrail", 1, 1000)
    p("cloudtrail", 2, 5 * 1024 * 1024)
    p.done("cloudtrail")
    p("mlflow", 1, 10)
    p.done("mlflow")
    out = stream.getvalue()
    assert out.count("\n") == 2
    assert "\r\x1b[Kcloudtrail: 2 objects, 5.0 MiB\n" in out and "mlflow: 1 object, 10 B\n" in out


def test_throttled():
    stream = Tty()
    p = ProgressReporter(stream, min_interval=3600)
    for i in range(100):
        p("cloudtrail", i, i)
    assert stream.getvalue().count("\r") == 1
    p.done("cloudtrail")
    assert stream.getvalue().endswith("cloudtrail: 99 objects, 99 B\n")


def test_a_broken_stream_never_breaks_the_run():
    class Broken(Tty):
        def write(self, s):
            raise BrokenPipeError

    p = ProgressReporter(Broken(), min_interval=0)
    p("s3", 1, 1)
    p.done("s3")
    assert p.enabled is False


def test_human_bytes():
    assert [human_bytes(n) for n in (0, 1023, 1024, 3 * 1024**3)] == ["0 B", "1023 B", "1.0 KiB", "3.0 GiB"]
