FROM python:3.11-slim
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY pyproject.toml README.md ./
COPY service ./service
COPY workers ./workers
RUN pip install --no-cache-dir .
# The metric files' folder (docker-compose.yml's `metrics` volume takes this owner when first created).
RUN mkdir -p /var/lib/preflight-metrics && chown nobody /var/lib/preflight-metrics
USER nobody
EXPOSE 8000
