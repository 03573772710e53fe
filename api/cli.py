"""``newsqa``: ingest, reindex, ask, serve and eval from the command line.

Errors end in one line on stderr and a non-zero exit code, never a stack trace.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import socket
import sys
import textwrap
from collections.abc import Sequence
from datetime import date
from pathlib import Path

EXIT_ERROR = 1
EXIT_USAGE = 2
# newsqa ask --passages: how much of each passage, wrapped how.
_PASSAGE_CHARS = 300
_WIDTH = 100
_INDENT = " " * 6


def _parse_date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {value!r}") from exc


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="newsqa", description="Question answering over news articles, with citations."
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="show debug logs")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="add or update files and folders in the index")
    p.add_argument("paths", nargs="+", type=Path)

    p = sub.add_parser("reindex", help="sync the index with the documents folder (NEWSQA_DOCUMENTS_DIR)")
    p.add_argument(
        "--rebuild",
        action="store_true",
        help="drop every chunk and re-embed everything with the current settings (stop other newsqa processes first)",
    )

    p = sub.add_parser("ask", help="answer a question from the indexed articles")
    p.add_argument("question")
    p.add_argument("--top-k", type=int, default=None)
    p.add_argument("--source", default=None, help="only passages from this source (e.g. cnn.com)")
    p.add_argument("--after", type=_parse_date, default=None, help="published on or after (YYYY-MM-DD)")
    p.add_argument("--before", type=_parse_date, default=None, help="published on or before (YYYY-MM-DD)")
    p.add_argument(
        "--as-of",
        type=_parse_date,
        default=None,
        help="the date the question is asked as of: 'this week' means the week before it, and only articles "
        "from the NEWSQA_AS_OF_HORIZON_DAYS (60) days before it answer",
    )
    p.add_argument("--passages", action="store_true", help="also print every retrieved passage")

    p = sub.add_parser("serve", help="serve the HTTP API and chat page (indexes the documents folder first)")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    p.add_argument("--workers", type=int, default=None)
    p.add_argument("--no-index", action="store_true", help="serve without syncing the documents folder first")

    p = sub.add_parser(
        "eval",
        help="ask every question of a question file over a corpus; report retrieval and answer quality",
        description="Index CORPUS into a collection of its own (reused while the folder is unchanged), ask every "
        "question and write a JSON report and a PNG plot beside it: hit@1, hit@5, MRR@10 (hybrid, dense only, "
        "BM25 only), answers containing a gold answer, cited passages containing one, refusals on answerable "
        "and unanswerable questions, median answer words, latency p50/p95.",
    )
    p.add_argument(
        "--questions",
        type=Path,
        required=True,
        help="JSON Lines: question, answers (empty: unanswerable), optional id, type, evidence_files, date",
    )
    p.add_argument("--corpus", type=Path, required=True, help="folder of articles the questions are about")
    p.add_argument("--out", type=Path, required=True, help="where the JSON report goes; the plot goes beside it")
    p.add_argument("--as-of-field", default=None, help="question field to use as the as-of date (e.g. date)")
    p.add_argument(
        "--baseline", action="store_true", help="also the LangChain tutorial pipeline's retrieval on the same corpus"
    )
    p.add_argument("--limit", type=int, default=0, help="only the first N questions")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING, format="%(levelname)s: %(message)s", stream=sys.stderr
    )
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    from pydantic import ValidationError

    from ingest.embedding import EmbeddingError
    from ingest.store import StoreError
    from qa.evaluation import EvalError
    from qa.generation import ModelError

    try:
        return _run(args)
    except EvalError as exc:
        print(f"newsqa: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except ValidationError as exc:
        errors = "; ".join(f"NEWSQA_{'.'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        print(f"newsqa: invalid settings: {errors}", file=sys.stderr)
        return EXIT_USAGE
    except (ModelError, StoreError, EmbeddingError, OSError) as exc:
        print(f"newsqa: {exc}", file=sys.stderr)
        return EXIT_ERROR
    except KeyboardInterrupt:
        print("newsqa: interrupted", file=sys.stderr)
        return 130


def _run(args: argparse.Namespace) -> int:
    from ingest.settings import Settings

    settings = Settings()
    if args.command == "serve":
        return _serve(args, settings)
    if args.command == "eval":
        return _eval(args, settings)

    from api.services import build_services

    services = build_services(settings)
    if args.command == "ingest":
        missing = [str(p) for p in args.paths if not p.exists()]
        if missing:
            print(f"newsqa: no such file or folder: {', '.join(missing)}", file=sys.stderr)
            return EXIT_USAGE
        report = services.indexer.ingest(args.paths, progress=True)
        _print_report(report)
        if report.skipped == report.files:
            given = ", ".join(map(str, args.paths))
            why = f"none of the {report.files} file(s) could be read" if report.files else "no files there"
            print(f"newsqa: nothing ingested from {given}: {why}", file=sys.stderr)
            return EXIT_ERROR
        return 0
    if args.command == "reindex":
        return _print_report(services.indexer.reindex(progress=True, rebuild=args.rebuild))
    if args.command == "ask":
        return _ask(args, services)
    return EXIT_USAGE  # pragma: no cover - argparse requires a command


def _print_report(report: object) -> int:
    from ingest.indexing import IndexReport

    assert isinstance(report, IndexReport)
    for path, reason in report.skipped_files:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    for path in report.forgotten_files:
        print(
            f"gone {path}: ingested from outside the documents folder and no longer there; "
            "its articles are removed and it is no longer followed",
            file=sys.stderr,
        )
    for doc in report.documents:
        if doc.status == "duplicate":
            print(f"duplicate: {doc.title!r} has the same content as {doc.duplicate_of}; indexed once", file=sys.stderr)
    print(report.summary())
    return 0


def _ask(args: argparse.Namespace, services: object) -> int:
    from api.services import Services
    from qa.answering import Answer
    from qa.refusal import EMPTY_INDEX
    from qa.retrieval import Filters

    assert isinstance(services, Services)
    question = args.question.strip()
    if not question:
        print("newsqa: the question is empty", file=sys.stderr)
        return EXIT_USAGE
    if args.top_k is not None and not 1 <= args.top_k <= 20:
        print("newsqa: --top-k must be between 1 and 20", file=sys.stderr)
        return EXIT_USAGE
    filters = Filters(source=args.source, published_after=args.after, published_before=args.before)
    answer: Answer = services.answerer().ask(question, args.top_k, filters, args.as_of)
    if answer.reason == EMPTY_INDEX:
        # The refusal would read as if articles had been searched: say how to index instead.
        folder = services.settings.documents_dir
        print(
            f"newsqa: nothing is indexed yet: `newsqa reindex` indexes {folder} (NEWSQA_DOCUMENTS_DIR), "
            "`newsqa ingest PATH` adds files or folders",
            file=sys.stderr,
        )
        return EXIT_ERROR
    print(answer.answer)
    if answer.citations:
        print("\nSources:")
        for c in answer.citations:
            meta = ", ".join(x for x in (c.source, c.published) if x)
            print(f"  [{c.n}] {c.title}" + (f" ({meta})" if meta else "") + (f"\n      {c.url}" if c.url else ""))
    if args.passages:
        print("\nRetrieved passages:")
        for p in answer.passages:
            print(f"  [{p.n}] {p.title}\n      score={p.score:.4f} similarity={p.similarity:.3f}")
            # The passage's own line breaks and blank lines would break the indentation: rewrap it.
            snippet = " ".join(p.snippet(_PASSAGE_CHARS).split())
            print(textwrap.fill(snippet, _WIDTH, initial_indent=_INDENT, subsequent_indent=_INDENT))
    return 0


def _serve(args: argparse.Namespace, settings: object) -> int:
    import uvicorn

    from ingest.settings import Settings

    assert isinstance(settings, Settings)
    host = args.host or settings.host
    port = args.port or settings.port
    workers = args.workers or settings.workers
    if workers > 1 and not settings.chroma_host:
        print(
            "newsqa: --workers > 1 needs a Chroma server (NEWSQA_CHROMA_HOST): an embedded index is one process's",
            file=sys.stderr,
        )
        return EXIT_USAGE
    # Found out now, not after indexing and loading the models, when uvicorn would fail to bind.
    busy = _bind_error(host, port)
    if busy:
        advice = "choose another with --port or NEWSQA_PORT"
        print(f"newsqa: cannot listen on {host}:{port}: {busy}; {advice}", file=sys.stderr)
        return EXIT_ERROR
    from api.services import build_services

    services = build_services(settings)
    if not args.no_index:
        print(f"indexing {settings.documents_dir} ...", file=sys.stderr)
        _print_report(services.indexer.reindex(progress=True))
    # Chroma is opened here, where a StoreError ends in one line (a no-change reindex does not open it): in the
    # app's startup, uvicorn would print the error's whole stack trace.
    services.store.count()
    # Likewise the embedding model: a backend that cannot run it ends here in one line, before uvicorn starts.
    services.embedder.load()
    del services
    print(f"serving on http://{host}:{port} (chat page at /, API docs at /docs)", file=sys.stderr)
    uvicorn.run("api.main:create_app", factory=True, host=host, port=port, workers=workers, log_level="info")
    return 0


def _eval(args: argparse.Namespace, settings: object) -> int:
    from api import eval_report
    from api.services import build_services, eval_settings, sync_private_index
    from ingest.settings import Settings
    from ingest.tutorial import TutorialIndex
    from qa.evaluation import EvalError, Evaluator, load_questions

    assert isinstance(settings, Settings)
    if args.limit < 0:
        raise EvalError("--limit must be 0 (all questions) or more")
    if not args.corpus.is_dir():
        raise EvalError(f"no such corpus folder: {args.corpus}")
    # Read before anything is indexed: a typo on line 80 should not cost an indexing run.
    questions = load_questions(args.questions, args.as_of_field)[: args.limit or None]
    own = eval_settings(settings, args.corpus)
    services = build_services(own)
    print(f"indexing {own.documents_dir} into {own.data_dir} ...", file=sys.stderr)
    report, rebuilt = sync_private_index(services, progress=True)
    if rebuilt:
        print(f"(the evaluation index was built with other settings: rebuilt it) {rebuilt}", file=sys.stderr)
    for path, reason in report.skipped_files:
        print(f"skipped {path}: {reason}", file=sys.stderr)
    print(report.summary(), file=sys.stderr)
    if not services.store.manifest.listed():
        why = f"none of its {report.files} file(s) could be read" if report.files else "no files there"
        raise EvalError(f"no articles to evaluate on in {args.corpus}: {why}")

    baseline = None
    if args.baseline and not any(q.evidence_files for q in questions):
        print("LangChain tutorial baseline: skipped, no question has evidence_files to rank", file=sys.stderr)
    elif args.baseline:
        baseline = TutorialIndex.with_embedder(own.data_dir / "langchain-tutorial", services.embedder)
        reused = baseline.sync(own.documents_dir, progress=True)
        print(
            f"LangChain tutorial baseline: {'reused' if reused else 'built'}, {baseline.count()} chunks",
            file=sys.stderr,
        )

    result = Evaluator(services.answerer(), baseline).run(
        questions, progress=True, source=str(args.questions), as_of_field=args.as_of_field
    )
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    png = args.out.with_suffix(".png") if args.out.suffix != ".png" else args.out.with_name(f"{args.out.stem}-plot.png")
    eval_report.plot(result, png, f"{args.questions.name} over {args.corpus.name}/ ({result['model']})")
    print(eval_report.table(result))
    print(f"wrote {args.out} and {png}")
    return 0


def _bind_error(host: str, port: int) -> str | None:
    """Why ``host:port`` cannot be listened on (address in use, unknown host), or None when it can."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        family, kind, proto, _, address = infos[0]
        with socket.socket(family, kind, proto) as probe:
            # As uvicorn binds: a port left in TIME_WAIT by a stopped server is free to use.
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(address)
    except OSError as exc:
        return exc.strerror or str(exc)
    return None


if __name__ == "__main__":
    sys.exit(main())
