"""One run per output folder: a second run on the same --out fails at once, in one line naming the folder and the
run that holds it (exit code 5), and the lock goes with its process however that process ends."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from auditreport.errors import EnvironmentFailure
from auditreport.output_lock import LOCK_FILE, output_lock, prepare_output


def test_a_second_holder_is_refused_naming_the_first(tmp_path):
    with output_lock(tmp_path, "run-a"):
        with pytest.raises(EnvironmentFailure) as e:
            with output_lock(tmp_path, "run-b"):
                pass
    msg = str(e.value)
    assert e.value.exit_code == 5 and "\n" not in msg
    assert str(tmp_path) in msg and "run run-a" in msg and f"pid {os.getpid()}" in msg
    with output_lock(tmp_path, "run-c"):  # released when the block ends
        assert "run-c" in (tmp_path / LOCK_FILE).read_text()


def test_a_killed_holder_leaves_no_stale_lock(tmp_path):
    code = ("import sys, time; from auditreport.output_lock import output_lock\n"
            f"with output_lock({str(tmp_path)!r}, 'killed'):\n    print('held', flush=True); time.sleep(60)\n")
    p = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    try:
        assert p.stdout.readline().strip() == "held"
        with pytest.raises(EnvironmentFailure, match="killed"):
            with output_lock(tmp_path, "second"):
                pass
    finally:
        p.send_signal(signal.SIGKILL)
        p.wait(10)
    time.sleep(0.1)
    with output_lock(tmp_path, "after"):
        pass


def test_an_output_that_is_a_file_is_an_environment_failure(tmp_path):
    f = tmp_path / "out"
    f.write_text("x")
    with pytest.raises(EnvironmentFailure, match="the output folder is a file"):
        prepare_output(f)
    with pytest.raises(EnvironmentFailure, match="cannot create the output folder"):
        prepare_output(f / "below")
