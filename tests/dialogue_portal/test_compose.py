"""docker-compose.yml and the Dockerfile, read as data.

Docker does not run on the development and CI machines, so these tests hold the
deployment files to what the portal needs: one configuration shared by web, worker
and beat, pointing at the compose file's own PostgreSQL and Redis, with healthchecks,
volumes and a Debian image that can run WeasyPrint.
"""

import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
PORTAL_SERVICES = ("web", "worker", "beat")
SHARED_URLS = ("DATABASE_URL", "CACHE_URL", "CELERY_BROKER_URL")


@pytest.fixture(scope="module")
def compose():
    # safe_load resolves the anchors and the `<<` merge keys of the x-portal extensions.
    return yaml.safe_load(COMPOSE_FILE.read_text())


@pytest.fixture(scope="module")
def services(compose):
    return compose["services"]


def _environment(service: dict) -> dict[str, str]:
    environment = service.get("environment") or {}
    if isinstance(environment, list):
        environment = dict(item.split("=", 1) for item in environment)
    return {name: str(value) for name, value in environment.items()}


def _volume_targets(service: dict) -> dict[str, str]:
    """Mount target of each named volume of a service, from the short syntax."""
    mounts = {}
    for volume in service.get("volumes") or []:
        if isinstance(volume, dict):
            mounts[volume["source"]] = volume["target"]
        else:
            source, target = volume.split(":")[:2]
            mounts[source] = target
    return mounts


def _dockerfile_instructions() -> list[str]:
    lines = [line.strip() for line in DOCKERFILE.read_text().splitlines()]
    return [line for line in lines if line and not line.startswith("#")]


def test_compose_services_all_present(services):
    assert set(services) >= {"web", "worker", "beat", "postgres", "redis"}


def test_portal_services_environment_identical(services):
    web, worker, beat = (_environment(services[name]) for name in PORTAL_SERVICES)
    assert web == worker == beat
    for name in SHARED_URLS:
        assert web[name], name


def test_portal_database_url_points_at_postgres_service(services):
    url = urlsplit(_environment(services["web"])["DATABASE_URL"])
    assert url.scheme in {"postgres", "postgresql"}
    assert url.hostname == "postgres"
    assert url.port == 5432
    assert url.path == f"/{_environment(services['postgres'])['POSTGRES_DB']}"
    assert url.username == _environment(services["postgres"])["POSTGRES_USER"]


@pytest.mark.parametrize("name", ["CACHE_URL", "CELERY_BROKER_URL"])
def test_portal_redis_urls_point_at_redis_service(services, name):
    url = urlsplit(_environment(services["web"])[name])
    assert url.scheme == "redis"
    assert url.hostname == "redis"
    assert url.port == 6379


def test_portal_cache_and_broker_separate_databases(services):
    environment = _environment(services["web"])
    cache, broker = (urlsplit(environment[name]).path for name in ("CACHE_URL", "CELERY_BROKER_URL"))
    assert cache != broker


def test_portal_environment_production_mode(services):
    environment = _environment(services["web"])
    assert environment["DJANGO_DEBUG"] == "0"
    assert environment["DJANGO_DEMO_ACCOUNTS"] == "0"
    # No default: compose refuses to start without a key rather than use a known one.
    assert re.fullmatch(r"\$\{DJANGO_SECRET_KEY:\?[^}]+\}", environment["DJANGO_SECRET_KEY"])
    assert environment["MEDIA_ROOT"] == "/data/media"


def test_portal_environment_trusts_one_proxy(services):
    # The TLS proxy in front of web appends the client's address to X-Forwarded-For;
    # without this the sign-in limits would count every user as the proxy.
    assert _environment(services["web"])["DJANGO_TRUSTED_PROXY_COUNT"] == "1"


def test_portal_environment_names_read_by_settings(services):
    sources = "".join((ROOT / "dialogue_portal" / name).read_text() for name in ("settings.py", "env.py"))
    unknown = [name for name in _environment(services["web"]) if f'"{name}"' not in sources]
    assert unknown == [], f"settings never read {unknown}"


@pytest.mark.parametrize("name", ["postgres", "redis", "web", "worker"])
def test_service_healthcheck_defined(services, name):
    test = services[name]["healthcheck"]["test"]
    assert test[0] in {"CMD", "CMD-SHELL"}
    assert len(test) > 1


def test_web_healthcheck_requests_healthz_without_curl(services):
    test = " ".join(services["web"]["healthcheck"]["test"])
    assert "http://127.0.0.1:8000/healthz" in test
    assert "urllib" in test
    assert "curl" not in test


@pytest.mark.parametrize("name", PORTAL_SERVICES)
def test_portal_service_waits_for_healthy_database_and_broker(services, name):
    depends_on = services[name]["depends_on"]
    for dependency in ("postgres", "redis"):
        assert depends_on[dependency]["condition"] == "service_healthy"


def test_web_command_migrates_before_gunicorn(services):
    command = services["web"]["command"]
    command = command if isinstance(command, str) else " ".join(command)
    assert command.index("manage.py migrate --noinput") < command.index(
        "gunicorn dialogue_portal.wsgi:application"
    )
    assert "0.0.0.0:8000" in command


def test_worker_command_consumes_default_and_pdf_queues(services):
    from django.conf import settings

    command = services["worker"]["command"]
    assert command[:4] == ["celery", "-A", "dialogue_portal", "worker"]
    queues = set(command[command.index("-Q") + 1].split(","))
    # The PDF renders are routed to their own queue: a worker that skips it leaves them queued.
    assert queues == {"default", settings.CELERY_TASK_ROUTES["reports.render_crp"]["queue"]}


def test_beat_command_runs_celery_beat(services):
    assert services["beat"]["command"][:4] == ["celery", "-A", "dialogue_portal", "beat"]


def test_compose_named_volumes_declared(compose):
    assert {"postgres-data", "media"} <= set(compose["volumes"])


def test_postgres_data_volume_mounted(services):
    assert _volume_targets(services["postgres"])["postgres-data"] == "/var/lib/postgresql/data"


@pytest.mark.parametrize("name", ["web", "worker"])
def test_media_volume_mounted_at_media_root(services, name):
    media_root = _environment(services[name])["MEDIA_ROOT"]
    assert _volume_targets(services[name])["media"] == media_root


@pytest.mark.parametrize("name", PORTAL_SERVICES)
def test_portal_service_builds_from_dockerfile(services, name):
    build = services[name]["build"]
    assert (ROOT / build["context"] / build.get("dockerfile", "Dockerfile")) == ROOT / "Dockerfile"
    assert DOCKERFILE.is_file()


def test_dockerfile_base_image_debian():
    base = next(line for line in _dockerfile_instructions() if line.upper().startswith("FROM "))
    assert re.fullmatch(r"FROM python:3\.1[12]-slim-bookworm", base)


def test_dockerfile_installs_weasyprint_libraries():
    text = DOCKERFILE.read_text()
    for package in (
        "libpango-1.0-0",
        "libpangoft2-1.0-0",
        "libharfbuzz-subset0",
        "shared-mime-info",
    ):
        assert package in text, package
    assert re.search(r"\bfonts-", text)


def test_dockerfile_runs_as_non_root():
    users = [line.split()[1] for line in _dockerfile_instructions() if line.startswith("USER ")]
    assert users
    assert users[-1] not in {"root", "0"}


def test_dockerfile_collects_static_and_serves_gunicorn():
    text = DOCKERFILE.read_text()
    assert "manage.py collectstatic --noinput" in text
    assert "EXPOSE 8000" in text
    assert re.search(r'CMD \["gunicorn", "dialogue_portal\.wsgi:application"', text)
    assert "0.0.0.0:8000" in text


def test_dockerignore_excludes_local_state():
    lines = (line.strip() for line in (ROOT / ".dockerignore").read_text().splitlines())
    ignored = {line for line in lines if line and not line.startswith("#")}
    assert {".venv", "db.sqlite3", "media", "staticfiles", ".git"} <= ignored
    # pyproject.toml names README.md as the readme: `pip install .` needs it.
    assert "README.md" not in ignored
