"""newsqa's HTTP API and command line."""

import os

# numpy's OpenBLAS starts a thread per core for each in-memory vector search (one matrix-vector product over the
# snapshot's chunks), and its idle threads spin: under 8 concurrent clients that doubled the server's CPU per
# answer (bench/load.py speed: 11.5 -> 22.4 ms) for nothing. A server's parallelism is its requests and workers,
# and the embedding model has its own threads. This must be set before numpy loads; NEWSQA never needs more.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
