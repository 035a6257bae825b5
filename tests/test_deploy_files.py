"""The deployment files, checked without a container runtime (none on the CI machine).

The Dockerfiles go through hadolint, compose.yaml through the compose-spec JSON
schema vendored in docs/compose-spec.json (from
https://github.com/compose-spec/compose-spec, schema/compose-spec.json at commit
a08f8d51631b7127ddac3d2c65537db429d0f1d0, 2025-10-28), and the files are held to
what docs/deploy.md promises. tests/test_processes.py runs the same processes
without containers.
"""

import json
import re
import subprocess
import sys
from pathlib import Path

import jsonschema
import yaml

from lef import images

ROOT = Path(__file__).resolve().parent.parent
HADOLINT = Path(sys.executable).parent / "hadolint"


def compose() -> dict:
    return yaml.safe_load((ROOT / "compose.yaml").read_text())


def test_dockerfiles_pass_hadolint():
    for dockerfile in ["Dockerfile", "deploy/backup/Dockerfile"]:
        result = subprocess.run(  # noqa: S603 (our own file, our own tool)
            [HADOLINT, "--no-color", dockerfile],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=False,
        )
        assert (dockerfile, result.returncode, result.stdout) == (dockerfile, 0, "")


def test_compose_file_is_valid_against_the_compose_spec_schema():
    schema = json.loads((ROOT / "docs" / "compose-spec.json").read_text())

    # The schema names draft 07 in a form jsonschema does not look up by itself.
    jsonschema.Draft7Validator(schema).validate(compose())  # raises ValidationError


def test_compose_runs_every_process_of_the_site():
    services = compose()["services"]

    assert set(services) == {"db", "web", "worker", "scheduler", "caddy", "backup"}
    assert services["worker"]["command"] == ["python", "manage.py", "db_worker"]
    assert services["scheduler"]["command"] == ["python", "manage.py", "run_scheduler"]
    assert services["web"]["environment"]["MIGRATE"] == "1"
    assert services["web"]["environment"]["TRUSTED_PROXY_COUNT"] == "1"
    assert services["db"]["healthcheck"]["test"][0] == "CMD-SHELL"
    assert services["caddy"]["ports"] == ["80:80", "443:443", "443:443/udp"]
    # Only Caddy is reachable from outside.
    assert [name for name, s in services.items() if "ports" in s] == ["caddy"]


def test_backup_image_has_the_database_servers_major_version():
    db_image = compose()["services"]["db"]["image"]
    backup_from = re.search(
        r"^FROM (\S+)", (ROOT / "deploy/backup/Dockerfile").read_text(), re.MULTILINE
    )[1]

    assert db_image == backup_from == "postgres:16-bookworm"


def test_runtime_image_is_slim_not_root_and_checks_healthz():
    dockerfile = (ROOT / "Dockerfile").read_text()
    runtime = dockerfile.split("AS runtime", 1)[1]

    assert re.findall(r"^FROM \S+ AS (\w+)", dockerfile, re.MULTILINE) == ["build", "runtime"]
    assert "FROM python:3.12-slim-bookworm AS runtime" in dockerfile
    assert re.findall(r"^USER (\S+)", runtime, re.MULTILINE) == ["10001:10001"]
    assert "/healthz" in runtime.split("HEALTHCHECK", 1)[1].split("\n\n", 1)[0]
    assert 'CMD ["gunicorn", "lef.wsgi"' in runtime
    assert "--require-hashes" in dockerfile
    assert "npm ci --omit=dev" in dockerfile


def test_production_requirements_hold_no_development_packages():
    pins = re.findall(r"^([A-Za-z0-9_.-]+)==", (ROOT / "requirements.txt").read_text(), re.M)

    assert {name.lower() for name in pins} & {"pgserver", "psutil", "pytest", "ruff"} == set()


def test_env_example_names_every_configuration_variable_of_the_readme():
    readme = (ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    first_cells = re.findall(r"^\| ([^|]+) \|", table, re.MULTILINE)
    documented = {
        name for cell in first_cells for name in re.findall(r"`([A-Z][A-Z0-9_]+)`", cell)
    }
    example = (ROOT / ".env.example").read_text()
    named = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.MULTILINE))

    assert len(documented) >= 20
    assert documented - named == set()


def test_caddy_caps_request_bodies_above_the_upload_limit():
    caddyfile = (ROOT / "Caddyfile").read_text()
    max_size = int(re.search(r"max_size (\d+)MB", caddyfile)[1]) * 1_000_000

    assert images.MAX_BYTES < max_size <= 2 * images.MAX_BYTES
    assert "reverse_proxy web:8000" in caddyfile
    assert "{$LEF_DOMAIN}" in caddyfile


def test_shell_scripts_parse():
    scripts = ["deploy/entrypoint.sh", "deploy/backup/backup.sh", "deploy/backup/backup-loop.sh"]
    for script in scripts:
        result = subprocess.run(  # noqa: S603 (our own scripts)
            ["/bin/sh", "-n", ROOT / script], capture_output=True, check=False
        )
        assert (script, result.returncode) == (script, 0)
