# syntax=docker/dockerfile:1
# The one-off `init` service of compose.yml: devstack's Provisioner, the same
# code `make run` uses, creating the topics, queues, tables, bucket and pools.
# Build from the repository root: docker build -f infrastructure/provision.Dockerfile .

FROM ghcr.io/astral-sh/uv:0.13.9 AS uv

FROM python:3.12-slim AS build
COPY --from=uv /uv /usr/local/bin/uv
ENV UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PYTHON_DOWNLOADS=never \
    UV_PROJECT_ENVIRONMENT=/app/.venv
WORKDIR /src
COPY pyproject.toml uv.lock ./
COPY shared/pyproject.toml shared/
COPY devstack/pyproject.toml devstack/
RUN uv sync --frozen --no-dev --no-editable --package nocomelon-devstack --no-install-workspace
COPY shared/src shared/src
COPY devstack/src devstack/src
RUN uv sync --frozen --no-dev --no-editable --package nocomelon-devstack

FROM python:3.12-slim
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin nocomelon
COPY --from=build /app/.venv /app/.venv
ENV PATH=/app/.venv/bin:$PATH \
    PYTHONUNBUFFERED=1
USER 10001
# It runs once and exits; compose waits for it to finish, not to be healthy.
HEALTHCHECK NONE
CMD ["python", "-m", "devstack", "provision"]
