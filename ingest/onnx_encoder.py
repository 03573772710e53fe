"""The ``onnx`` and ``onnx-int8`` embedding backends: the exported model run by onnxruntime, tokenised by
``tokenizers``. Neither imports torch, so a question over an existing index starts without it.

What sentence-transformers does around the transformer is redone here, for the layout this backend accepts
(a Transformer module, mean pooling, then L2 normalisation, as all-MiniLM-L6-v2 has): the same word pieces,
truncated at the model's ``max_seq_length``, mean of the token vectors under the attention mask, unit length.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

log = logging.getLogger(__name__)

_POOLING = "sentence_transformers.models.Pooling"
_NORMALIZE = "sentence_transformers.models.Normalize"


class OnnxLayoutError(ValueError):
    """The model folder is not one this backend can reproduce sentence-transformers for."""


def sentence_layout(model_dir: Path) -> tuple[int, int]:
    """``(max_seq_length, dimension)`` of a mean-pooled, normalised sentence-transformers model folder."""
    try:
        modules = json.loads((model_dir / "modules.json").read_text(encoding="utf-8"))
        types = [m["type"] for m in modules]
        pooling_dir = next(m["path"] for m in modules if m["type"] == _POOLING)
        pooling = json.loads((model_dir / pooling_dir / "config.json").read_text(encoding="utf-8"))
        max_len = json.loads((model_dir / "sentence_bert_config.json").read_text(encoding="utf-8"))["max_seq_length"]
    except (OSError, ValueError, KeyError, StopIteration) as exc:
        raise OnnxLayoutError(f"{model_dir} is not a sentence-transformers model folder: {exc}") from exc
    modes = [k for k, v in pooling.items() if k.startswith("pooling_mode") and v]
    if modes != ["pooling_mode_mean_tokens"] or _NORMALIZE not in types or not (model_dir / "tokenizer.json").exists():
        raise OnnxLayoutError(
            f"{model_dir}: the onnx backends need mean pooling, a Normalize module and tokenizer.json "
            f"(found pooling {modes}, modules {types}); use NEWSQA_EMBEDDING_BACKEND=torch for this model"
        )
    return int(max_len), int(pooling["word_embedding_dimension"])


def _session(onnx_file: Path, threads: int) -> Any:
    import onnxruntime as ort

    options = ort.SessionOptions()
    options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
    options.intra_op_num_threads = threads
    return ort.InferenceSession(str(onnx_file), options, providers=["CPUExecutionProvider"])


class OnnxEncoder:
    def __init__(self, model_dir: Path, onnx_file: Path, backend: str) -> None:
        from tokenizers import Tokenizer

        self.backend = backend
        self.max_tokens, self.dimension = sentence_layout(model_dir)
        # tokenizer.json carries its own truncation and padding (128 fixed for all-MiniLM-L6-v2), which
        # sentence-transformers overrides with max_seq_length: so do we, or long chunks would lose their tail.
        self._counter = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._counter.no_truncation()
        self._counter.no_padding()
        self._truncating = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self._truncating.no_padding()
        self._truncating.enable_truncation(self.max_tokens)
        log.info("loading embedding model %s (%s)", onnx_file, backend)
        self._session = _session(onnx_file, threads=0)  # 0: one per core, for batches
        # A query is one short text: splitting it across cores costs more in handing work over (and in pool
        # threads spinning while they wait, CPU that concurrent requests need) than it gains. On the 2 shared
        # cores here one thread embedded a dev question in 2.1 ms against 6.7 ms, and the server's CPU per
        # answer halved (bench/load.py). The vectors are the same, bit for bit.
        self._single = _session(onnx_file, threads=1)
        self._inputs = {i.name for i in self._session.get_inputs()}

    def count_tokens(self, texts: Sequence[str]) -> list[int]:
        return [len(e.ids) for e in self._counter.encode_batch(list(texts), add_special_tokens=True)]

    def token_offsets(self, text: str) -> list[tuple[int, int]]:
        return [tuple(span) for span in self._counter.encode(text, add_special_tokens=False).offsets]

    def input_ids(self, texts: Sequence[str]) -> list[list[int]]:
        """The word pieces the model sees for each text: special tokens added, cut at ``max_tokens``."""
        return [e.ids for e in self._truncating.encode_batch(list(texts), add_special_tokens=True)]

    def encode(self, texts: Sequence[str], batch_size: int, show_progress: bool = False) -> np.ndarray:
        ids = self.input_ids(texts)
        # Longest first, as sentence-transformers does: batches of similar lengths waste little on padding.
        order = sorted(range(len(ids)), key=lambda i: -len(ids[i]))
        out = np.zeros((len(ids), self.dimension), dtype=np.float32)
        steps = range(0, len(order), batch_size)
        if show_progress:
            from tqdm import tqdm

            steps = tqdm(steps, desc="embedding", unit="batch")
        for start in steps:
            rows = order[start : start + batch_size]
            out[rows] = self._encode_batch([ids[i] for i in rows])
        return out

    def _encode_batch(self, batch: list[list[int]]) -> np.ndarray:
        width = max(len(ids) for ids in batch)
        input_ids = np.zeros((len(batch), width), dtype=np.int64)  # 0 is [PAD]
        mask = np.zeros((len(batch), width), dtype=np.int64)
        for row, ids in enumerate(batch):
            input_ids[row, : len(ids)] = ids
            mask[row, : len(ids)] = 1
        feed = {"input_ids": input_ids, "attention_mask": mask}
        if "token_type_ids" in self._inputs:
            feed["token_type_ids"] = np.zeros_like(input_ids)
        hidden = (self._single if len(batch) == 1 else self._session).run(None, feed)[0]
        weights = mask[:, :, None].astype(np.float32)
        # sentence-transformers' mean pooling (sum / clamp(count, 1e-9)), then F.normalize (eps 1e-12).
        pooled = (hidden * weights).sum(axis=1) / np.clip(weights.sum(axis=1), 1e-9, None)
        return pooled / np.clip(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12, None)
