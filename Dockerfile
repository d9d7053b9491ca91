# The Dialogue Portal's image. Web (gunicorn, the default command), the Celery worker
# and Celery beat all run from it; docker-compose.yml says which one each container is.
FROM python:3.11-slim-bookworm

# The code runs from /app, not from site-packages: settings find templates/, static/
# and staticfiles/ beside the packages (BASE_DIR). WEB_CONCURRENCY is the number of
# gunicorn worker processes; set it per host.
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PYTHONPATH=/app \
    WEB_CONCURRENCY=3

# WeasyPrint renders the CRP through Pango and HarfBuzz, and needs fonts and the MIME
# database. Liberation Serif is metric-compatible with the Times of UN documents.
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 \
        libpangoft2-1.0-0 \
        libharfbuzz0b \
        libharfbuzz-subset0 \
        fonts-dejavu-core \
        fonts-liberation2 \
        shared-mime-info \
    && rm -rf /var/lib/apt/lists/*

RUN groupadd --system --gid 10001 portal \
    && useradd --system --uid 10001 --gid portal --home-dir /home/portal --create-home portal

WORKDIR /app

# Dependencies first, in their own layer, so that a change of code does not reinstall
# them: with no package copied yet, `pip install .` installs every dependency that
# pyproject.toml declares and an empty distribution of the portal itself.
COPY pyproject.toml README.md ./
RUN pip install .

COPY . .

# DJANGO_DEBUG=0 selects the hashed, compressed static storage, which needs a secret
# key: this throwaway one exists for this step only and stays out of the image's
# environment. /data/media is where the media volume is mounted; a new named volume
# takes this directory's owner, so the portal user can write to it.
RUN DJANGO_DEBUG=0 DJANGO_SECRET_KEY=collectstatic-only-not-a-secret \
        python manage.py collectstatic --noinput \
    && mkdir -p /data/media \
    && chown portal:portal /data/media

USER portal

EXPOSE 8000

# /dev/shm for gunicorn's worker heartbeat files: a container's /tmp may sit on a slow
# overlay filesystem. No HEALTHCHECK here: the worker and beat containers run this
# image too, and docker-compose.yml gives each service its own.
CMD ["gunicorn", "dialogue_portal.wsgi:application", \
     "--bind", "0.0.0.0:8000", \
     "--worker-tmp-dir", "/dev/shm", \
     "--access-logfile", "-"]
