# One image for every distributor process: web, worker, beat, bounce receiver.
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    DISTRIBUTOR_DATA_DIR=/var/lib/distributor

WORKDIR /src
COPY pyproject.toml README.md ./
COPY distributor ./distributor
COPY migrations ./migrations
COPY templates ./templates
RUN pip install . && rm -rf /src \
    && useradd --system --home /var/lib/distributor --create-home distributor

USER distributor
WORKDIR /var/lib/distributor
ENTRYPOINT ["distributor"]
CMD ["--help"]
