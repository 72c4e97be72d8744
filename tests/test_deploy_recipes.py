"""Issue 11, item 7: the scheduler recipes in deploy/ parse and validate offline, and every auditreport command they
run is one the command line accepts.

Validators, each proven to refuse a broken copy of its recipe so that a pass means something: the Kubernetes
OpenAPI schemas bundled by kubernetes-validate (strict: no unknown field), SchemaStore's GitHub workflow schema as
vendored by check-jsonschema (Apache-2.0, licence in its package: builtin_schemas/vendor/licenses/LICENSE.schemastore),
cfn-lint for CloudFormation, ``systemd-analyze verify`` for the units (where systemd is installed), dockerfile-parse
for the Dockerfile. Docker itself is not run: building the image needs the registry's base image.
"""

from __future__ import annotations

import copy
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import click
import kubernetes_validate
import pytest
import yaml
from cfnlint.decode import decode_str
from dockerfile_parse import DockerfileParser

from auditreport.cli import main

REPO = Path(__file__).resolve().parents[1]
DEPLOY = REPO / "deploy"
BIN = Path(sys.executable).parent
RECIPES = ["cron/auditreport.cron", "systemd/auditreport.service", "systemd/auditreport.timer",
           "kubernetes/cronjob.yaml", "ecs/eventbridge-scheduler.yaml", "github-actions/monthly-report.yml",
           "docker/Dockerfile"]  # fmt: skip


def accepted(argv: list[str]) -> str:
    """Parse ``auditreport ARGS`` (without the program) as the command line would; return the command's name."""
    name, *rest = argv
    assert name in main.commands, f"'{name}' is not an auditreport command"
    main.commands[name].make_context(name, list(rest))  # raises click.UsageError / BadParameter when refused
    return name


def command_after_program(line: str) -> list[str]:
    """The arguments after the ``auditreport`` program in a shell command line."""
    words = shlex.split(line)
    at = next(i for i, w in enumerate(words) if Path(w).name == "auditreport")
    return words[at + 1:]


def test_every_recipe_is_there_and_the_readme_links_it():
    readme = (REPO / "README.md").read_text()
    for recipe in RECIPES:
        assert (DEPLOY / recipe).is_file(), recipe
        assert f"(deploy/{recipe})" in readme, f"README.md does not link deploy/{recipe}"


def test_the_command_check_refuses_what_the_command_line_refuses():
    assert accepted(["run", "--config", "a.toml", "--out", "o", "--fail-on", "critical"]) == "run"
    for bad in (["run", "--fail-on", "severe"], ["run", "--no-such-option"], ["report"]):
        with pytest.raises((click.UsageError, AssertionError)):
            accepted(bad)


# --- cron --------------------------------------------------------------------------------------------------------

CRON_FIELD = re.compile(r"^(\*|\d+(-\d+)?)(/\d+)?(,(\*|\d+(-\d+)?)(/\d+)?)*$")
CRON_RANGES = [(0, 59), (0, 23), (1, 31), (1, 12), (0, 7)]


def test_cron_lines_have_valid_schedules_a_user_and_accepted_commands():
    jobs = []
    for line in (DEPLOY / "cron/auditreport.cron").read_text().splitlines():
        if not line.strip() or line.startswith("#") or re.match(r"^[A-Z_]+=", line):
            continue
        fields = line.split(None, 6)
        assert len(fields) == 7, f"not 'm h dom mon dow user command': {line}"
        for value, (low, high) in zip(fields[:5], CRON_RANGES):
            assert CRON_FIELD.match(value), value
            assert all(low <= int(n) <= high for n in re.findall(r"\d+", value.split("/")[0])), value
        assert fields[5] == "auditreport"  # /etc/cron.d lines name the user; never root
        jobs.append(accepted(command_after_program(fields[6])))
    assert sorted(jobs) == ["extract", "run"]


# --- systemd -----------------------------------------------------------------------------------------------------

def _unit_values(path: Path, key: str) -> list[str]:
    return [line.split("=", 1)[1] for line in path.read_text().splitlines() if line.startswith(f"{key}=")]


def test_systemd_service_runs_an_accepted_command_and_the_timer_is_monthly():
    service, timer = DEPLOY / "systemd/auditreport.service", DEPLOY / "systemd/auditreport.timer"
    (exec_start,) = _unit_values(service, "ExecStart")
    assert accepted(command_after_program(exec_start)) == "run"
    assert _unit_values(timer, "OnCalendar") == ["*-*-01 06:15:00 UTC"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is not installed here")
def test_systemd_units_verify(tmp_path):
    """``systemd-analyze verify`` with the unit's ExecStart pointing at this environment's auditreport (it checks
    that the program exists); any line it prints (an unknown key, a bad value) fails the test."""
    for name in ("auditreport.service", "auditreport.timer"):
        text = (DEPLOY / "systemd" / name).read_text()
        (tmp_path / name).write_text(text.replace("/opt/auditreport/bin/auditreport", str(BIN / "auditreport")))
    units = [str(tmp_path / "auditreport.timer"), str(tmp_path / "auditreport.service")]
    r = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True, timeout=60)
    assert r.returncode == 0 and not r.stdout.strip() and not r.stderr.strip(), r.stdout + r.stderr
    broken = tmp_path / "auditreport.service"
    broken.write_text(broken.read_text().replace("TimeoutStartSec=4h", "TimeoutStartSec=4h\nTimoutStopSec=1"))
    r = subprocess.run(["systemd-analyze", "verify", "--man=no", *units], capture_output=True, text=True, timeout=60)
    assert "Unknown key" in r.stdout + r.stderr  # the verification sees a misspelt key
    r = subprocess.run(["systemd-analyze", "calendar", "*-*-01 06:15:00 UTC"], capture_output=True, text=True, timeout=30)
    assert r.returncode == 0 and re.search(r"Next elapse: \w+ \d{4}-\d{2}-01 06:15:00 UTC", r.stdout), r.stdout


# --- Kubernetes --------------------------------------------------------------------------------------------------

def _k8s_documents() -> list[dict]:
    return [d for d in yaml.safe_load_all((DEPLOY / "kubernetes/cronjob.yaml").read_text()) if d]


def test_kubernetes_manifests_validate_against_the_kubernetes_schemas():
    version = kubernetes_validate.utils.latest_version()
    docs = _k8s_documents()
    assert [d["kind"] for d in docs] == ["ServiceAccount", "PersistentVolumeClaim", "CronJob"]
    for doc in docs:
        kubernetes_validate.validate(doc, version, strict=True)
    broken = copy.deepcopy(docs[2])
    broken["spec"]["jobTemplate"]["spec"]["template"]["spec"]["containers"][0]["argz"] = ["run"]
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(broken, version, strict=True)


def test_kubernetes_cronjob_uses_irsa_and_runs_an_accepted_command():
    account, _, cronjob = _k8s_documents()
    role = account["metadata"]["annotations"]["eks.amazonaws.com/role-arn"]
    assert re.fullmatch(r"arn:aws:iam::\d{12}:role/[\w+=,.@-]+", role)
    pod = cronjob["spec"]["jobTemplate"]["spec"]["template"]["spec"]
    assert pod["serviceAccountName"] == account["metadata"]["name"]
    (container,) = pod["containers"]
    assert "command" not in container  # the image's ENTRYPOINT is auditreport
    assert accepted(container["args"]) == "run"
    mounts = {m["mountPath"] for m in container["volumeMounts"]}
    args = container["args"]
    assert str(Path(args[args.index("--config") + 1]).parent) in mounts and args[args.index("--out") + 1] in mounts
    assert cronjob["spec"]["concurrencyPolicy"] == "Forbid"


# --- CloudFormation and GitHub Actions: validated by a command, which must also refuse a broken copy -------------

VALIDATED_BY_A_COMMAND = {
    # recipe: (validator command, a change that breaks the recipe)
    "ecs/eventbridge-scheduler.yaml": (["cfn-lint"], ("LaunchType: FARGATE", "LaunchType: FARGATE_SPOTTY")),
    "github-actions/monthly-report.yml": (["check-jsonschema", "--builtin-schema", "vendor.github-workflows"],
                                          ("id-token: write", "id-token: always")),
}  # fmt: skip


@pytest.mark.parametrize("recipe", sorted(VALIDATED_BY_A_COMMAND))
def test_recipe_validates_and_a_broken_copy_does_not(recipe, tmp_path):
    (program, *options), (good, bad) = VALIDATED_BY_A_COMMAND[recipe]
    path = DEPLOY / recipe
    broken = tmp_path / path.name
    assert good in path.read_text()
    broken.write_text(path.read_text().replace(good, bad))
    for target, ok in ((path, True), (broken, False)):
        r = subprocess.run([str(BIN / program), *options, str(target)], capture_output=True, text=True, timeout=300)
        assert (r.returncode == 0) == ok, f"{program} on {target}: exit {r.returncode}\n{r.stdout}{r.stderr}"


# --- ECS Fargate and EventBridge Scheduler (CloudFormation) ------------------------------------------------------

def test_the_schedule_runs_the_task_definition_on_fargate_with_an_accepted_command():
    template, matches = decode_str((DEPLOY / "ecs/eventbridge-scheduler.yaml").read_text())
    assert not matches
    resources = template["Resources"]
    schedule = resources["MonthlySchedule"]["Properties"]
    assert schedule["ScheduleExpression"] == "cron(15 6 1 * ? *)" and schedule["ScheduleExpressionTimezone"] == "UTC"
    ecs = schedule["Target"]["EcsParameters"]
    assert ecs["LaunchType"] == "FARGATE" and ecs["TaskDefinitionArn"] == {"Ref": "TaskDefinition"}
    (container,) = resources["TaskDefinition"]["Properties"]["ContainerDefinitions"]
    command = [w if isinstance(w, str) else "critical" for w in container["Command"]]  # !Ref FailOn: a severity
    assert accepted(command) == "run"
    assert set(template["Parameters"]["FailOn"]["AllowedValues"]) == {"critical", "high", "medium", "low", "info"}


# --- GitHub Actions with OIDC ------------------------------------------------------------------------------------

def test_github_workflow_gets_credentials_by_oidc_and_runs_an_accepted_command():
    workflow = yaml.safe_load((DEPLOY / "github-actions/monthly-report.yml").read_text())
    assert workflow["permissions"]["id-token"] == "write"
    steps = workflow["jobs"]["report"]["steps"]
    (aws,) = [s for s in steps if s.get("uses", "").startswith("aws-actions/configure-aws-credentials@")]
    assert "role-to-assume" in aws["with"] and not {"aws-access-key-id", "aws-secret-access-key"} & set(aws["with"])
    assert steps.index(aws) < next(i for i, s in enumerate(steps) if s.get("id") == "run")
    (line,) = [ln for s in steps for ln in s.get("run", "").splitlines() if ln.strip().startswith("auditreport ")]
    assert accepted(command_after_program(line.split("${PERIOD")[0])) == "run"
    assert accepted(["run", "--period", "2026-10"]) == "run"  # what ${PERIOD:+--period "$PERIOD"} adds


# --- Dockerfile --------------------------------------------------------------------------------------------------

def _system_packages() -> set[str]:
    """The Debian packages scripts/ensure-system-deps.sh installs for a run (not its --test ones)."""
    script = (REPO / "scripts/ensure-system-deps.sh").read_text().split('if [ "${1:-}" = "--test" ]')[0]
    return set(re.findall(r"need\+=\(([\w.+-]+)\)", script))


def test_dockerfile_builds_the_wheel_installs_it_with_weasyprints_packages_and_runs_auditreport():
    parser = DockerfileParser(path=str(DEPLOY / "docker/Dockerfile"))
    instructions = parser.structure
    froms = [i["value"] for i in instructions if i["instruction"] == "FROM"]
    requires = re.search(r'requires-python = ">=(\d+\.\d+)"', (REPO / "pyproject.toml").read_text()).group(1)
    assert all(f.startswith(f"python:{requires}-") for f in froms), froms
    copied = [i["value"].split()[0] for i in instructions if i["instruction"] == "COPY" and "--from" not in i["value"]]
    assert all((REPO / c).exists() for c in copied), copied
    runs = " ".join(i["value"] for i in instructions if i["instruction"] == "RUN")
    installed = set(re.search(r"--no-install-recommends\s+([\w.+\- \\]+?)\s+&&", runs).group(1).replace("\\", " ").split())
    assert installed == _system_packages() and installed
    assert "python -m build --wheel" in runs and re.search(r"pip install [^&]*\.whl", runs)
    entrypoint = [i["value"] for i in instructions if i["instruction"] == "ENTRYPOINT"][-1]
    cmd = [i["value"] for i in instructions if i["instruction"] == "CMD"][-1]
    assert yaml.safe_load(entrypoint) == ["auditreport"]
    assert accepted(yaml.safe_load(cmd)) == "run"
    assert parser.baseimage == froms[-1]
    user = [i["value"] for i in instructions if i["instruction"] == "USER"][-1]
    assert user not in ("root", "0")


def test_the_dockerfiles_documented_commands_are_accepted():
    comment = "\n".join(ln.removeprefix("#") for ln in (DEPLOY / "docker/Dockerfile").read_text().splitlines()
                        if ln.startswith("#"))  # fmt: skip
    lines = [ln.strip() for ln in comment.replace("\\\n", " ").splitlines() if ln.strip().startswith("docker ")]
    assert any(ln.startswith("docker build -f deploy/docker/Dockerfile ") for ln in lines)
    runs = [ln for ln in lines if ln.startswith("docker run")]
    assert len(runs) == 3, runs
    for line in runs:
        image_at = next(i for i, w in enumerate(shlex.split(line)) if w.startswith("auditreport:"))
        args = shlex.split(line)[image_at + 1:]
        if args and args[0] != "--version":
            assert accepted(args) == "run"
