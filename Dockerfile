# syntax=docker/dockerfile:1
# The helpline image: one image for the web app (gunicorn), the RQ worker and migrations.
#   docker build -t helpline .
# The command is the web app; docker-compose.yml runs the same image as worker and migrate.

# Build the project's wheel only, so the runtime image carries no source tree or build tools.
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml README.md ./
COPY app ./app
COPY ivr_flows ./ivr_flows
COPY routing ./routing
COPY knowledge_base ./knowledge_base
RUN pip wheel --no-deps --wheel-dir /wheels .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HELPLINE_ENV=production
# A fixed uid so volume permissions and Kubernetes' runAsNonRoot checks are predictable; a home
# directory because gunicorn 27+ puts its control socket in ~/.gunicorn.
RUN groupadd --system --gid 10001 helpline \
    && useradd --system --uid 10001 --gid helpline --create-home --home-dir /home/helpline helpline
# Runtime dependencies only: the package's own, without the dev extra.
COPY --from=build /wheels /tmp/wheels
RUN pip install /tmp/wheels/*.whl && rm -rf /tmp/wheels
USER helpline
WORKDIR /home/helpline
EXPOSE 8000
# A shell so WEB_CONCURRENCY and WEB_THREADS expand; exec so gunicorn is PID 1 and gets
# SIGTERM directly. Threads (gthread), not sync workers: a page's live stream (/api/live)
# holds its thread for minutes, and a sync worker held so would answer no webhook; streams
# take at most LIVE_MAX_STREAMS of each process's WEB_THREADS (64 unless set, as the app).
CMD ["sh", "-c", "exec gunicorn --bind 0.0.0.0:8000 --workers ${WEB_CONCURRENCY:-2} --worker-class gthread --threads ${WEB_THREADS:-64} app.wsgi:app"]
