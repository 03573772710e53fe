"""Calibrates qa.support's thresholds on the recorded model answers (dev data: short-dev with the seed).

tests/data/qwen_short_dev.json labels, by hand, each claim sentence Qwen2.5-Coder-1.5B-Instruct wrote as
supported or not by the passages it was given (``labels``: sentence → true/false). For every combination of
thresholds on a small grid, this prints how many sentences qa.support judges as labelled, and the figures for the
thresholds in force. Every sentence is also checked against each passage it was not about, as a negative.

    python bench/support_calibration.py
"""

from __future__ import annotations

import itertools
import json
import os
import sys
from pathlib import Path

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import REPO

DATA = REPO / "tests" / "data" / "qwen_short_dev.json"


def main() -> None:
    from ingest.embedding import Embedder
    from qa import support
    from qa.passage import Passage
    from qa.support import Kind, SupportChecker, claim_of, split_sentences

    recorded = json.loads(DATA.read_text(encoding="utf-8"))
    labels: dict[str, bool] = recorded["labels"]
    embedder = Embedder.shared()
    cases: list[tuple[SupportChecker, str, bool]] = []
    for run in recorded["runs"].values():
        for r in run["records"]:
            passages = [Passage(n=n, **recorded["passages"][c]) for n, c in enumerate(r["passages"], 1)]
            checker = SupportChecker(passages, embedder)
            for sentence in split_sentences(r["raw"] or ""):
                claim = claim_of(sentence)
                if claim in labels and checker.check(sentence).kind is Kind.CLAIM:
                    cases.append((checker, claim, labels[claim]))
    print(f"{len(cases)} labelled sentences ({sum(label for *_, label in cases)} supported)")

    def agreement() -> tuple[int, int]:
        right = false_support = 0
        for checker, claim, label in cases:
            judged = any(checker.supports(claim, n) for n in range(1, 21))
            right += judged == label
            false_support += judged and not label
        return right, false_support

    in_force = (support.LEXICAL_ALONE, support.LEXICAL_MIN, support.SEMANTIC_MIN)
    results = []
    for alone, low, cosine in itertools.product((0.75, 0.85, 0.95), (0.3, 0.4, 0.5, 0.6), (0.4, 0.5, 0.6, 0.7)):
        support.LEXICAL_ALONE, support.LEXICAL_MIN, support.SEMANTIC_MIN = alone, low, cosine
        results.append((*agreement(), (alone, low, cosine)))
    support.LEXICAL_ALONE, support.LEXICAL_MIN, support.SEMANTIC_MIN = in_force
    results.sort(key=lambda r: (-r[0], r[1]))
    print("agree  false-support  (lexical alone, lexical min, cosine min)")
    for right, false_support, thresholds in results[:8]:
        print(f"{right:5d}  {false_support:13d}  {thresholds}")
    right, false_support = agreement()
    print(f"in force {in_force}: {right}/{len(cases)} agree, {false_support} judged supported that are not")


if __name__ == "__main__":
    main()
