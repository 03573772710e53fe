"""One module per file format, each with ``load(data, display, path)``; ``ingest.loading`` picks one by suffix."""
