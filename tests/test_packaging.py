"""Issue 11, item 1: the wheel carries what auditreport reads at run time, and runs with no checkout.

The wheel is built as a user would get it: from the committed files only (``git archive HEAD``), sdist first and the
wheel from the sdist (``python -m build``, so the sdist must carry everything too), then installed with pip into a
fresh virtual environment and run from an empty folder: the sample month (the same findings as the checkout's golden
copy, and a PDF), ``auditreport init`` and a live run against the moto server.

The fresh environment takes its dependencies from the environment running the tests (a ``.pth`` that adds a view of
its site-packages without auditreport itself), so pip checks every dependency the wheel declares but installs them
offline, with ``--no-index``: about 10 s instead of minutes of downloads (installing the same wheel with its dependencies
from the registry into an empty venv took 76 s on the project's shared 2-core machine, with pip's cache warm).

Slow (3 min 45 s on the shared 2-core machine under load: build 23 s, install 9 s, the sample month 82 s, the
live run most of the rest): select it with ``-m packaging``, leave it out with ``-m "not packaging"``.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import sysconfig
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

import auditreport
from auditreport.checks.catalogue import load_catalogue
from live_seed import (ACCOUNTS, ORG, REGIONS, SEEDED_DAYS_GAP, TRAIL_BUCKET, TRAIL_PREFIX, only_moto_gaps,
                       seed_everything)

pytestmark = pytest.mark.packaging

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "e2e"))
from findings_golden import normalise  # noqa: E402
FOLDERS = ("queries", "templates", "sample_data")


def _sh(*args, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([str(a) for a in args], **({"capture_output": True, "text": True, "timeout": 600} | kw))


def _clean_env(**extra) -> dict:
    """The environment less what would make the installed command find this checkout (PYTHONPATH)."""
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    return env | extra


class Installed:
    def __init__(self, root: Path, timings: dict[str, float]):
        self.root, self.timings = root, timings
        self.venv = root / "venv"
        self.bin = self.venv / "bin" / "auditreport"
        self.python = self.venv / "bin" / "python"
        self.wheel = next((root / "dist").glob("*.whl"))
        self.sdist = next((root / "dist").glob("*.tar.gz"))

    def run(self, *args, cwd: Path, **kw) -> subprocess.CompletedProcess:
        cwd.mkdir(parents=True, exist_ok=True)
        return _sh(self.bin, *args, cwd=cwd, env=_clean_env(), **kw)


def _dependency_view(target: Path) -> Path:
    """A folder of links to every entry of this environment's site-packages except auditreport's own (its
    dist-info and the editable install's .pth), so the fresh venv sees the dependencies and not this checkout."""
    target.mkdir()
    for entry in Path(sysconfig.get_paths()["purelib"]).iterdir():
        if "auditreport" not in entry.name.lower():
            (target / entry.name).symlink_to(entry)
    return target


@pytest.fixture(scope="module")
def installed(tmp_path_factory) -> Installed:
    root = tmp_path_factory.mktemp("packaging")
    timings = {}
    t = time.monotonic()
    archive = _sh("git", "-C", REPO, "archive", "--format=tar", "HEAD", text=False)
    assert archive.returncode == 0, archive.stderr
    tarfile.open(fileobj=io.BytesIO(archive.stdout)).extractall(root / "src", filter="data")
    build = _sh(sys.executable, "-m", "build", "--no-isolation", "--outdir", root / "dist", root / "src")
    assert build.returncode == 0, build.stdout[-3000:] + build.stderr[-3000:]
    timings["build sdist + wheel"] = time.monotonic() - t

    t = time.monotonic()
    venv = _sh(sys.executable, "-m", "venv", "--without-pip", root / "venv")
    assert venv.returncode == 0, venv.stderr
    site = Path(_sh(root / "venv/bin/python", "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])",
                    env=_clean_env()).stdout.strip())  # fmt: skip
    deps = _dependency_view(root / "deps")
    (site / "_auditreport_test_deps.pth").write_text(f"import site; site.addsitedir({str(deps)!r})\n")
    wheel = next((root / "dist").glob("*.whl"))
    pip = _sh(root / "venv/bin/python", "-m", "pip", "install", "--no-index", "--no-build-isolation", wheel,
              env=_clean_env(PIP_FIND_LINKS="", PIP_CONSTRAINT=""))  # fmt: skip
    assert pip.returncode == 0, pip.stdout[-3000:] + pip.stderr[-3000:]
    timings["pip install (dependencies offline)"] = time.monotonic() - t
    print("packaging timings: " + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items()))
    return Installed(root, timings)


def test_the_wheel_carries_the_catalogue_templates_and_sample_and_leaves_out_the_generator(installed):
    names = zipfile.ZipFile(installed.wheel).namelist()
    for folder in FOLDERS:
        committed = {p for p in _sh("git", "-C", REPO, "ls-files", folder).stdout.split()
                     if not p.startswith(("sample_data/generator/", "sample_data/generate.py"))}  # fmt: skip
        carried = {n.removeprefix("auditreport/_data/") for n in names if n.startswith(f"auditreport/_data/{folder}/")}
        assert carried == committed, f"{folder}: missing {sorted(committed - carried)[:5]}, extra {sorted(carried - committed)[:5]}"
    assert not [n for n in names if "generator" in n or "__pycache__" in n]
    with tarfile.open(installed.sdist) as sdist:  # the sdist keeps the repository's layout, folders at the top
        top = {Path(m.name).parts[1] for m in sdist.getmembers() if len(Path(m.name).parts) > 1}
    assert {"src", "pyproject.toml", "README.md", "deploy", *FOLDERS} <= top


def test_installed_package_is_the_wheel_and_its_version_comes_from_one_place(installed, tmp_path):
    probe = _sh(installed.python, "-c",
                "import auditreport, importlib.metadata as m, auditreport.resources as r; "
                "print(auditreport.__file__); print(auditreport.__version__, m.version('auditreport')); "
                "print(r.queries_dir()); print(r.templates_dir()); print(r.sample_config())",
                cwd=tmp_path, env=_clean_env())  # fmt: skip
    assert probe.returncode == 0, probe.stderr
    module, versions, *folders = probe.stdout.splitlines()
    assert Path(module).is_relative_to(installed.venv)
    assert versions == f"{auditreport.__version__} {auditreport.__version__}"
    assert all(Path(f).is_relative_to(installed.venv) and "_data" in Path(f).parts for f in folders), folders
    version = installed.run("--version", cwd=tmp_path)
    assert version.returncode == 0 and version.stdout.strip() == f"auditreport, version {auditreport.__version__}"


def test_installed_wheel_runs_the_sample_month_from_an_empty_folder(installed, tmp_path):
    empty = tmp_path / "empty"
    t = time.monotonic()
    r = installed.run("run", "--out", "out", cwd=empty)
    elapsed = time.monotonic() - t
    assert r.returncode == 0, r.stdout[-2000:] + r.stderr[-2000:]
    out = empty / "out"
    assert (out / "report.pdf").read_bytes().startswith(b"%PDF-") and (out / "report.pdf").stat().st_size > 50_000
    findings = json.loads((out / "findings.json").read_text())
    assert findings["tool"] == {"name": "auditreport", "version": auditreport.__version__}
    # the catalogue the installed run used is the repository's, whole: same checks, same findings as the golden copy
    assert sorted(c["id"] for c in findings["checks"]) == sorted(c.id for c in load_catalogue().checks)
    got = json.loads(json.dumps(normalise(findings), sort_keys=True, default=str))
    want = json.loads((REPO / "tests/data/golden/sample_month_findings.json").read_text())
    assert got["summary"] == want["summary"] and got["sources"] == want["sources"]
    for g, w in zip(got["checks"], want["checks"], strict=True):
        assert g == w, f"check {g['id']} differs from the checkout's golden findings"
    print(f"installed sample month: {elapsed:.1f} s")


def _live_config(installed: Installed, folder: Path, moto_url: str) -> Path:
    """The estate's configuration as ``auditreport init`` writes it, pointed at the moto server."""
    r = installed.run("init", "--output", "estate.toml", "--organisation", "Installed wheel, live",
                      "--accounts", ",".join(ACCOUNTS), "--regions", ",".join(REGIONS),
                      "--trail-bucket", f"s3://{TRAIL_BUCKET}/{TRAIL_PREFIX}", "--organization-id", ORG, cwd=folder)  # fmt: skip
    assert r.returncode == 0, r.stderr
    path = folder / "estate.toml"
    text = path.read_text()
    assert "\n[aws]\n" in text
    path.write_text(text.replace("\n[aws]\n", f'\n[aws]\nendpoint_url = "{moto_url}"\n', 1)
                    .replace("max_attempts = 8", "max_attempts = 2"))  # fmt: skip
    return path


def test_installed_wheel_runs_live_against_the_moto_server(installed, moto, tmp_path):
    seed_everything(moto.url)
    folder = tmp_path / "empty"
    folder.mkdir()
    config = _live_config(installed, folder, moto.url)
    r = installed.run("run", "--config", config, "--period", "2026-10", "--out", "out", cwd=folder)
    # exit 2: incomplete, because moto answers 500 to two calls (live_seed.MOTO_UNIMPLEMENTED), the seed holds logs
    # of a few days of the month only (live_seed.SEEDED_DAYS_GAP: CloudTrail partial, the other days named) and MLflow
    # is not configured; anything else incomplete is a failure of the installed package
    assert r.returncode == 2, r.stdout[-2000:] + r.stderr[-2000:]
    findings = json.loads((folder / "out/findings.json").read_text())
    sources = {s["name"]: s for s in findings["sources"]}
    trail = sources["cloudtrail"]
    assert trail["status"] == "partial" and trail["objects_loaded"] > 0, trail
    assert trail["detail"].startswith(SEEDED_DAYS_GAP) and trail["days"]["present"] > 0, trail
    for name in ("iam", "s3", "cloudwatch", "eks"):
        assert sources[name]["status"] == "ok", sources[name]
    assert sources["mlflow"]["status"] == "not_configured"
    assert (folder / "out/report.pdf").is_file()
    assert only_moto_gaps([s["detail"] for s in sources.values() if s["status"] == "partial"])
    accounts = {row.get("account_id") for c in findings["checks"] for row in c["rows"]} - {None}
    assert set(ACCOUNTS) <= accounts, accounts
