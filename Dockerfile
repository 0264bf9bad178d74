# syntax=docker/dockerfile:1
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    DATABASE_URL=sqlite:////data/gutbrain.db \
    ENVIRONMENT=production \
    FORWARDED_ALLOW_IPS=127.0.0.1

RUN groupadd --system --gid 10001 app && useradd --system --uid 10001 --gid app --home-dir /app app \
    && mkdir -p /data && chown 10001:10001 /data

WORKDIR /app

# Dependencies first, so that code changes do not reinstall them.
COPY pyproject.toml README.md constraints.txt ./
RUN mkdir app && touch app/__init__.py \
    && pip install -c constraints.txt . \
    && pip uninstall --yes gutbrain && rm -rf app

COPY alembic.ini ./
COPY migrations ./migrations
COPY seed ./seed
COPY app ./app
RUN pip install --no-deps -e .

USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000

# Liveness only: a database outage makes /readyz answer 503, but restarting this container would
# not bring the database back, so the health check asks /livez, which never touches it.
HEALTHCHECK --interval=30s --timeout=3s --start-period=20s --retries=3 \
    CMD ["python", "-c", "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/livez', timeout=2)"]

# Migrating and seeding are a release step of their own (see the README), not part of every
# replica's start. Uvicorn trusts X-Forwarded-* only from the addresses in FORWARDED_ALLOW_IPS.
CMD ["uvicorn", "app.main:app", "--host", "0.0.0.0", "--port", "8000", "--proxy-headers", "--timeout-graceful-shutdown", "20"]
