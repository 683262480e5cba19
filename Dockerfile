# coop in a container: the web app (`coop serve`, the default command) and the
# projection worker (`coop worker`) run from this one image.
# See docs/operations.md, and docker-compose.yml for the whole topology.
FROM python:3.11-slim

ENV PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1

# An unprivileged user to run as. Its home is the data directory; the code
# below stays owned by root, so the running app cannot change it.
RUN groupadd --system --gid 10001 coop \
 && useradd --system --uid 10001 --gid coop --home-dir /var/lib/coop --create-home \
        --shell /usr/sbin/nologin coop
# The key directory (COOP_KEY_DIR), made here so a volume mounted on it belongs to coop.
RUN install -d -o coop -g coop -m 700 /var/lib/coop/keys
# Documents made in the background (the registers' PDFs), written by the worker and
# downloaded through web: a volume both mount (docs/operations.md, "Rendered documents").
RUN install -d -o coop -g coop -m 700 /var/lib/coop/renders

# WeasyPrint (the registers as PDF) loads Pango and HarfBuzz's subsetter at run
# time; DejaVu is the fallback for letters our own font lacks (Greek, Cyrillic).
RUN apt-get update \
 && apt-get install -y --no-install-recommends \
        libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core \
 && rm -rf /var/lib/apt/lists/*

WORKDIR /app
# An editable install, as in development: coop finds migrations/ next to the
# coop package (coop/infra/migrate.py), so both are copied as they are in the repository.
# constraints.txt pins the versions the test suite runs with.
COPY pyproject.toml constraints.txt README.md ./
COPY coop ./coop
COPY migrations ./migrations
RUN pip install -c constraints.txt -e . \
 && python -m compileall -q /app/coop

USER coop
# Listen on every interface inside the container. Nothing is written to disk
# when DATABASE_URL and COOP_SECRET_KEY are set; COOP_DATA_DIR is where the
# embedded PostgreSQL and a generated key would otherwise go.
ENV COOP_HOST=0.0.0.0 \
    COOP_PORT=8000 \
    COOP_DATA_DIR=/var/lib/coop
EXPOSE 8000
CMD ["coop", "serve"]
