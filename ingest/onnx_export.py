"""ONNX files of the embedding model, made offline from the model folder on first use and cached.

``<cache>/<model fingerprint>/model.onnx`` (fp32, ``torch.onnx.export``) and ``model-int8.onnx`` (dynamic int8,
``onnxruntime.quantization``). A changed model folder has another fingerprint, so its files are made anew.
Only making them needs torch; finding them does not, so a question over an existing index never imports it.
"""

from __future__ import annotations

import hashlib
import logging
import os
import tempfile
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path

log = logging.getLogger(__name__)

# Part of the fingerprint: bump when the export or quantization below changes, so old files are not reused.
EXPORT_VERSION = 1
_OPSET = 17
_lock = threading.Lock()


def model_fingerprint(model_dir: Path) -> str:
    """Names, sizes and modification times of every file of the model folder, and the export version.

    Stat-based rather than a hash of the contents: hashing 90 MB of weights would cost every cold start.
    """
    digest = hashlib.sha256(f"export={EXPORT_VERSION}".encode())
    for path in sorted(p for p in model_dir.rglob("*") if p.is_file()):
        stat = path.stat()
        digest.update(f"{path.relative_to(model_dir).as_posix()}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()[:16]


def onnx_file(model_dir: Path, cache_root: Path, quantized: bool) -> Path:
    """The cached ONNX file for ``model_dir``, made first if it is not there yet."""
    folder = cache_root / model_fingerprint(model_dir)
    fp32 = folder / "model.onnx"
    wanted = folder / "model-int8.onnx" if quantized else fp32
    if wanted.exists():
        return wanted
    with _lock:
        if not fp32.exists():
            folder.mkdir(parents=True, exist_ok=True)
            started = time.perf_counter()
            _atomic(fp32, lambda tmp: export_fp32(model_dir, tmp))
            log.warning("exported the embedding model to %s in %.1f s", fp32, time.perf_counter() - started)
        if quantized and not wanted.exists():
            started = time.perf_counter()
            _atomic(wanted, lambda tmp: quantize_int8(fp32, tmp))
            log.warning("quantized the embedding model to %s in %.1f s", wanted, time.perf_counter() - started)
    return wanted


def _atomic(target: Path, make: Callable[[Path], None]) -> None:
    """Write through a temporary file in the same folder: another process never sees half a model."""
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.stem}-", suffix=".onnx")
    os.close(fd)
    tmp = Path(name)
    try:
        make(tmp)
        tmp.chmod(0o644)  # mkstemp makes it private; the cache may serve other users' processes
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


def export_fp32(model_dir: Path, target: Path) -> None:
    """The transformer of ``model_dir`` to ONNX: token vectors out, pooling is done by the caller."""
    import numpy as np
    import torch
    import transformers
    from transformers import AutoModel

    transformers.logging.set_verbosity_error()
    transformers.logging.disable_progress_bar()
    # Eager attention traces into plain ONNX ops (no SDPA kernel choice frozen into the graph).
    model = AutoModel.from_pretrained(str(model_dir), attn_implementation="eager").eval()

    class TokenVectors(torch.nn.Module):
        # Keyword arguments: transformers 5 reordered BertModel.forward's positional parameters.
        def __init__(self) -> None:
            super().__init__()
            self.model = model

        def forward(self, input_ids: torch.Tensor, attention_mask: torch.Tensor, token_type_ids: torch.Tensor):
            out = self.model(input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids)
            return out.last_hidden_state

    # Any example traces the same graph; the sequence and batch axes are declared dynamic below.
    input_ids = torch.tensor([[101, *range(2000, 2014), 102]] * 2)
    mask = torch.ones_like(input_ids)
    names = ["input_ids", "attention_mask", "token_type_ids"]
    # The check below runs a padded batch of another shape; its reference is computed before the export,
    # which leaves the traced model giving other results.
    check_ids = torch.tensor([[101, *range(2000, 2040), 102], [101, *range(3000, 3010), 102] + [0] * 30])
    check_mask = (check_ids != 0).long()
    with torch.no_grad(), warnings.catch_warnings():
        expected = model(input_ids=check_ids, attention_mask=check_mask).last_hidden_state.numpy()
        warnings.simplefilter("ignore")  # tracer warnings about shapes taken as constants, checked below
        torch.onnx.export(
            TokenVectors(),
            (input_ids, mask, torch.zeros_like(input_ids)),
            str(target),
            input_names=names,
            output_names=["token_vectors"],
            dynamic_axes={n: {0: "batch", 1: "tokens"} for n in [*names, "token_vectors"]},
            opset_version=_OPSET,
            dynamo=False,  # the TorchScript exporter needs no onnxscript
        )
    import onnxruntime as ort

    session = ort.InferenceSession(str(target), providers=["CPUExecutionProvider"])
    feed = {"input_ids": check_ids.numpy(), "attention_mask": check_mask.numpy()}
    got = session.run(None, {**feed, "token_type_ids": np.zeros_like(feed["input_ids"])})[0]
    real = check_mask.numpy().astype(bool)
    error = float(np.abs(got[real] - expected[real]).max())
    if error > 1e-3:
        raise RuntimeError(f"ONNX export of {model_dir} differs from the model by {error:.2g}")


def quantize_int8(fp32: Path, target: Path) -> None:
    """Dynamic int8: weights int8 per channel, activations uint8 at run time, full 8-bit range.

    uint8 x int8 is what AVX512-VNNI (and AVX-VNNI) multiply in one instruction; ``reduce_range`` (7-bit
    weights, the "avx2" setting) only helps CPUs without VNNI and measured slower than fp32 on this one.
    """
    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    level = root.level
    root.setLevel(logging.ERROR)  # quantize_dynamic logs advice on pre-processing to the root logger
    try:
        quantize_dynamic(str(fp32), str(target), weight_type=QuantType.QInt8, per_channel=True, reduce_range=False)
    finally:
        root.setLevel(level)
