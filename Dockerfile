# Production image: gunicorn serving prm.wsgi; the same image runs the Celery worker and beat
# (see docker-compose.yml). Static files are collected at build time and served by WhiteNoise.
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    UV_PYTHON_DOWNLOADS=never \
    UV_PYTHON=/usr/local/bin/python3.11 \
    UV_COMPILE_BYTECODE=1 \
    UV_LINK_MODE=copy \
    UV_PROJECT_ENVIRONMENT=/opt/venv \
    PATH=/opt/venv/bin:$PATH

# WeasyPrint (the product's PDFs, prm/pdf.py) needs Pango and HarfBuzz; DejaVu is the font the
# PDFs name (static/css/pdf.css).
RUN apt-get update \
    && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*

RUN pip install --no-cache-dir 'uv==0.13.9'

WORKDIR /app

# Dependencies before the code, so this layer is rebuilt only when the lock file changes.
# The environment lives in /opt/venv, outside /app, so `COPY . .` cannot clobber it.
COPY pyproject.toml uv.lock .python-version ./
RUN uv sync --frozen --no-dev && rm -rf /root/.cache

COPY . .

# prod settings require a secret key; this one exists only during this build step.
RUN DJANGO_SETTINGS_MODULE=prm.settings.prod \
    DJANGO_SECRET_KEY=build-time-only-not-a-secret \
    python manage.py collectstatic --noinput

# Run as an unprivileged user; the code stays root-owned and read-only to it. Uploads go to
# /data/media (a volume: Docker copies this directory's owner into a new named volume).
RUN useradd --system --user-group --uid 10001 --home-dir /app --no-create-home prm \
    && mkdir -p /data/media \
    && chown prm:prm /data/media
USER prm

ENV DJANGO_SETTINGS_MODULE=prm.settings.prod \
    MEDIA_ROOT=/data/media
EXPOSE 8000
CMD ["gunicorn", "prm.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
