"""Where the folders auditreport reads at run time are: the check catalogue (``queries/``), the report templates
(``templates/``) and the sample month (``sample_data/``).

In the repository they sit at the top level, beside ``src/``, where reviewers and auditors read them. A wheel carries
them inside the package as ``auditreport/_data/<folder>`` (``pyproject.toml``, ``[tool.hatch.build.targets.wheel]``
maps them there). This module is the one place that knows both: everything else asks it.
"""

from __future__ import annotations

from pathlib import Path

from .errors import EnvironmentFailure

PACKAGE_DIR = Path(__file__).resolve().parent
INSTALLED_DATA = PACKAGE_DIR / "_data"  # the folders as an installed wheel carries them
CHECKOUT_ROOT = PACKAGE_DIR.parents[1]  # <repo>/src/auditreport -> <repo>: a checkout or an editable install

# Each folder with a file that proves it is the real one (not an unrelated folder of the same name).
_MARKERS = {"queries": "frameworks", "templates": "report.html.j2", "sample_data": "auditreport.toml"}


def _resource(name: str) -> Path:
    marker = _MARKERS[name]
    candidates = (INSTALLED_DATA / name, CHECKOUT_ROOT / name)
    for folder in candidates:
        if (folder / marker).exists():
            return folder
    raise EnvironmentFailure(PACKAGE_DIR, f"the {name}/ folder auditreport needs is missing (looked in "
                             f"{' and '.join(str(c) for c in candidates)}): a broken installation, reinstall it")


def queries_dir() -> Path:
    """The built-in check catalogue: ``<domain>/<check_id>.sql``, ``_views/``, ``frameworks/``."""
    return _resource("queries")


def templates_dir() -> Path:
    """The report's Jinja2 templates and CSS (one set for HTML and PDF)."""
    return _resource("templates")


def sample_dir() -> Path:
    """The sample month: its evidence and its commented configuration."""
    return _resource("sample_data")


def sample_config() -> Path:
    """The sample month's configuration: what ``run`` reads without ``--config``, and the commented example."""
    return sample_dir() / "auditreport.toml"
