"""Load: `/ask` latency and throughput of a real ``newsqa serve`` over the 1,248-article index, and the service
under faults.

``speed``  one ``newsqa serve`` (``--workers``; embedded Chroma, or ``--chroma server``: a ``chroma run`` over the
           same index) and closed-loop clients (default 1, 8 and 32) asking the dev questions in turn for
           ``--duration`` s each: p50/p95/p99 latency, requests/s, errors. With ``--baseline REF`` the code of REF
           (``git archive``) serves the same index beside it and the runs alternate, so both see the same load;
           the JSON then has before/after ratios. Also the query embedding alone, in process (p50 of the dev
           questions), and the server's own retrieve/answer split from the answers' ``timings_ms``.
``faults`` a ``chroma run`` server, ``newsqa serve --workers 2`` over it and 32 clients for 60 s: 90 % asks, 10 %
           uploads of small generated articles and deletes of them. Mid-run the Chroma server is killed and
           restarted on the same port and folder 10 s later (``--outage pause``: SIGSTOP then SIGCONT). Requests
           meanwhile must get 503 with a message, none a 500 or no answer, and succeed again afterwards without
           restarting newsqa; at the end every upload that got 201 (and was not deleted) is listed and answered
           with its own article cited, every delete that got 200 is gone (404, not listed, not cited).

Writes bench/results/load.json (each mode its section; load-quick.json with --quick), load.png (latency against
clients) and load-faults.png (status of the requests each second). The machine is shared: the load average is
recorded beside every figure; compare ratios from the same run rather than absolute figures across runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import os
import random
import shutil
import signal
import socket
import string
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx
import numpy as np

from bench.common import BENCH_DATA, CORPUS, DEV, REPO, RESULTS, machine, require_eval_data, table, write_json
from bench.ingest import ONNX_CACHE
from ingest.settings import Settings

COLLECTION = "bench"  # the collection bench.common.corpus_services builds
SCRATCH = RESULTS / "scratch-load"
TARGETS = {"p50_ms_1_client": 15.0, "rps_8_clients": 70.0, "query_embedding_p50_ms": 3.0, "answer_p50_ms": 30.0}
STARTUP_TIMEOUT = 300  # seconds: loading the models and the BM25 snapshot on a busy 2-core machine
REQUEST_TIMEOUT = 120.0  # a request without an answer by then counts as an error
LOADTEST_SOURCE = "loadtest"  # the generated articles' source: the end checks list them by it
_GRACE = 2.0  # seconds after the Chroma server answers again during which a 503 still counts as the outage's


# --- processes ------------------------------------------------------------------------------------------
def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def newsqa_env(code: Path, docs: Path, data: Path, chroma: Path, extra: dict[str, str] | None = None) -> dict[str, str]:
    """A newsqa process running the code in ``code`` over ``data``; the user's own NEWSQA_* are dropped."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("NEWSQA_")}
    env.update(
        NEWSQA_DOCUMENTS_DIR=str(docs),
        NEWSQA_DATA_DIR=str(data),
        NEWSQA_CHROMA_PATH=str(chroma),
        NEWSQA_COLLECTION=COLLECTION,
        NEWSQA_ONNX_DIR=str(ONNX_CACHE),
        PYTHONPATH=str(code),
        HF_HUB_OFFLINE="1",
        TOKENIZERS_PARALLELISM="false",
        **(extra or {}),
    )
    return env


@dataclass
class Process:
    name: str
    proc: subprocess.Popen[bytes]
    log: Path

    def tail(self, chars: int = 3000) -> str:
        return self.log.read_text(errors="replace")[-chars:] if self.log.exists() else "(no log)"

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGCONT)  # a paused process cannot act on SIGTERM
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of ``pid`` and every process below it (uvicorn's workers): per request, a
    figure that other engineers' load on the machine distorts much less than latency."""
    parents: dict[int, int] = {}
    times: dict[int, float] = {}
    tick = os.sysconf("SC_CLK_TCK")
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rpartition(")")[2].split()
        except OSError:
            continue  # ended meanwhile
        p = int(stat.parent.name)
        parents[p] = int(fields[1])
        times[p] = (int(fields[11]) + int(fields[12])) / tick
    tree, frontier = {pid}, [pid]
    while frontier:
        children = [p for p, parent in parents.items() if parent in frontier and p not in tree]
        tree.update(children)
        frontier = children
    return sum(times.get(p, 0.0) for p in tree)


def wait_for(url: str, process: Process, timeout: float = STARTUP_TIMEOUT) -> None:
    deadline = time.monotonic() + timeout
    while True:
        if process.proc.poll() is not None:
            raise SystemExit(f"{process.name} exited with {process.proc.returncode}:\n{process.tail()}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=5).status_code == 200:
                return
        if time.monotonic() > deadline:
            raise SystemExit(f"{process.name} did not answer {url} in {timeout:.0f} s:\n{process.tail()}")
        time.sleep(0.2)


def start_chroma(path: Path, port: int, log: Path) -> Process:
    chroma = shutil.which("chroma", path=str(Path(sys.executable).parent)) or shutil.which("chroma")
    if not chroma:
        raise SystemExit("the chroma CLI (part of the chromadb package) is not installed")
    with log.open("ab") as out:
        proc = subprocess.Popen(
            [chroma, "run", "--path", str(path), "--host", "127.0.0.1", "--port", str(port)],
            stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "ANONYMIZED_TELEMETRY": "False"},
        )  # fmt: skip
    process = Process("chroma run", proc, log)
    wait_for(f"http://127.0.0.1:{port}/api/v2/heartbeat", process, 60)
    return process


def start_newsqa(name: str, env: dict[str, str], workdir: Path, workers: int, index: bool) -> tuple[Process, str]:
    port = free_port()
    workdir.mkdir(parents=True, exist_ok=True)
    log = workdir / f"{name}.log"
    command = [sys.executable, "-m", "api.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    command += ["--workers", str(workers), *([] if index else ["--no-index"])]
    with log.open("wb") as out:
        # cwd outside the checkout: a developer's .env must not configure the server under test.
        proc = subprocess.Popen(command, env=env, cwd=workdir, stdout=out, stderr=subprocess.STDOUT)
    process = Process(f"newsqa serve ({name})", proc, log)
    url = f"http://127.0.0.1:{port}"
    wait_for(f"{url}/health", process)
    return process, url


@contextlib.contextmanager
def stopping(processes: list[Process]) -> Iterator[list[Process]]:
    try:
        yield processes
    finally:
        for p in reversed(processes):
            p.stop()


def baseline_code(ref: str) -> Path:
    """The code of git ``ref`` in a scratch folder (``git archive``: the checkout is not touched)."""
    target = SCRATCH / "baseline-code"
    shutil.rmtree(target, ignore_errors=True)
    target.mkdir(parents=True)
    archive = subprocess.run(["git", "-C", str(REPO), "archive", ref], capture_output=True, check=False)
    if archive.returncode != 0:
        raise SystemExit(f"git archive {ref} failed: {archive.stderr.decode(errors='replace')}")
    subprocess.run(["tar", "-x", "-C", str(target)], input=archive.stdout, check=True)
    commit = subprocess.run(["git", "-C", str(REPO), "rev-parse", "--short", ref], capture_output=True, text=True)
    (target / "COMMIT").write_text(commit.stdout.strip())
    return target


def sync_bench_index() -> None:
    """The shared corpus index up to date (a no-op when it is; rebuilt once when built with other settings),
    in a child process: an embedded index must not stay open here while a server opens it."""
    code = "from bench.common import corpus_services; corpus_services()"
    env = {**os.environ, "NEWSQA_ONNX_DIR": str(ONNX_CACHE), "PYTHONPATH": str(REPO)}
    proc = subprocess.run([sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(f"syncing the benchmark index failed:\n{proc.stderr[-3000:]}")
    print(proc.stderr.strip().splitlines()[-1])


# --- the load generator ---------------------------------------------------------------------------------
@dataclass(slots=True)
class Sample:
    kind: str  # ask | upload | delete
    start: float  # seconds since the run started
    seconds: float
    status: int  # 0: no HTTP answer (connection error or timeout)
    detail: str = ""  # the error message of a non-2xx answer, or the exception


@dataclass(slots=True)
class Clock:
    deadline: float  # perf_counter() value after which no client starts another request
    # While an event (the outage) is under way the run goes on, past the deadline: a restart slower than the run
    # (seven seconds on a busy machine) would otherwise end it before any request after the outage was sent.
    held: bool = False


# One request of a client: (http, client number, its request count, the sample it names the kind of).
Step = Callable[[httpx.AsyncClient, int, int, Sample], Awaitable[httpx.Response]]


async def closed_loop(
    url: str,
    clients: int,
    seconds: float,
    step: Step,
    events: Callable[[float, Clock], Awaitable[None]] | None = None,
) -> tuple[list[Sample], float]:
    """``clients`` tasks, each sending its next request (``step(http, client, n, sample)``, which names its kind
    in the sample) as soon as the last one is
    answered, for ``seconds``; ``events(t0, clock)`` runs beside them (the outage) and may move the end later.
    Returns the samples and the seconds the run really took (the last requests end after the deadline)."""
    limits = httpx.Limits(max_connections=clients + 8, max_keepalive_connections=clients + 8)
    samples: list[Sample] = []
    async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT, limits=limits) as http:
        t0 = time.perf_counter()
        clock = Clock(t0 + seconds)

        async def client(i: int) -> None:
            n = 0
            while time.perf_counter() < clock.deadline or clock.held:
                started = time.perf_counter()
                sample = Sample("ask", started - t0, 0.0, 0)
                try:
                    response = await step(http, i, n, sample)
                    sample.status = response.status_code
                    sample.detail = "" if response.is_success else _message(response)
                except httpx.HTTPError as exc:
                    sample.detail = f"{type(exc).__name__}: {exc}"
                sample.seconds = time.perf_counter() - started
                samples.append(sample)
                n += 1

        tasks = [asyncio.create_task(client(i)) for i in range(clients)]
        side = asyncio.create_task(events(t0, clock)) if events else None
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - t0
        if side is not None:
            await side
    return samples, elapsed


def _message(response: httpx.Response) -> str:
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    return str(body.get("detail", body))[:300] if isinstance(body, dict) else str(body)[:300]


def summary(samples: list[Sample], elapsed: float) -> dict[str, Any]:
    ok = [s.seconds * 1000 for s in samples if 200 <= s.status < 300]
    errors = Counter(str(s.status) for s in samples if not 200 <= s.status < 300)
    out: dict[str, Any] = {"requests": len(samples), "ok": len(ok), "errors": dict(errors)}
    out["seconds"] = round(elapsed, 2)
    out["requests_per_s"] = round(len(ok) / elapsed, 1) if elapsed > 0 else 0.0
    if ok:
        p50, p95, p99 = np.percentile(ok, [50, 95, 99])
        out.update(p50_ms=round(float(p50), 1), p95_ms=round(float(p95), 1), p99_ms=round(float(p99), 1))
        out["mean_ms"] = round(float(np.mean(ok)), 1)
    return out


def dev_questions() -> list[str]:
    return [json.loads(line)["question"] for line in DEV.read_text().splitlines() if line.strip()]


async def same_answers(before: str, after: str, top_k: int = 10) -> dict[str, Any]:
    """Every dev question to both servers, as it is and with its quiz date as ``as_of``, ``top_k`` passages:
    whether the answers, citations and ranked passages (ids and scores) are identical."""
    rows = [json.loads(line) for line in DEV.read_text().splitlines() if line.strip()]
    compared, differ = 0, []
    async with httpx.AsyncClient(timeout=REQUEST_TIMEOUT) as http:
        for row in rows:
            for as_of in (None, row["date"].replace("/", "-")):
                body = {"question": row["question"], "top_k": top_k, "as_of": as_of}
                got = []
                for url in (before, after):
                    answer = (await http.post(f"{url}/ask", json=body)).raise_for_status().json()
                    # The rest of an article the reader read on a refusal is not ranked (and older code lists none).
                    ranked = [
                        (p["chunk_id"], p["score"], p["similarity"])
                        for p in answer["passages"]
                        if p.get("ranked", True)
                    ]
                    got.append((answer["answer"], answer["citations"], ranked, answer["abstained"]))
                compared += 1
                if got[0] != got[1]:
                    differ.append(f"{row['id']} as_of={as_of}")
    return {"asked": compared, "top_k": top_k, "differ": len(differ), "differing": differ[:20]}


# --- speed ----------------------------------------------------------------------------------------------
def speed(args: argparse.Namespace) -> dict[str, Any]:
    questions = dev_questions()
    root = SCRATCH / "speed"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    if args.quick:
        docs = root / "corpus"
        docs.mkdir()
        for f in sorted(CORPUS.glob("*.txt"))[:5]:
            shutil.copy2(f, docs / f.name)
        chroma_path, bm25_seed = root / "chroma", None
    else:
        sync_bench_index()
        docs, chroma_path, bm25_seed = CORPUS, BENCH_DATA / "chroma", BENCH_DATA / "bm25"

    codes = {"current": REPO}
    if args.baseline:
        codes = {"baseline": baseline_code(args.baseline), **codes}
    processes: list[Process] = []
    with stopping(processes):
        extra: dict[str, str] = {}
        if args.chroma == "server":
            port = free_port()
            processes.append(start_chroma(chroma_path, port, root / "chroma.log"))
            extra = {"NEWSQA_CHROMA_HOST": "127.0.0.1", "NEWSQA_CHROMA_PORT": str(port)}
        urls: dict[str, str] = {}
        pids: dict[str, int] = {}
        for name, code in codes.items():
            data = root / name / "data"  # each its own BM25 cache: the two versions may keep it differently
            if bm25_seed is not None and bm25_seed.is_dir():
                shutil.copytree(bm25_seed, data / "bm25")
            env = newsqa_env(code, docs, data, chroma_path, extra)
            # The quick run's index is built by its first server (a few articles); the shared one is synced.
            process, urls[name] = start_newsqa(name, env, root / name, args.workers, index=args.quick and not urls)
            processes.append(process)
            pids[name] = process.proc.pid
        for url in urls.values():  # models warm, BM25 scores cached by the OS: not part of any figure
            asyncio.run(closed_loop(url, 2, 1.0 if args.quick else 5.0, _asker(questions)))

        runs: dict[str, dict[str, Any]] = {name: {} for name in codes}
        timings: dict[str, dict[str, list[float]]] = {name: {"retrieve": [], "generate": []} for name in codes}
        loads: list[float] = []
        for i, clients in enumerate(args.clients):
            # Alternating, each variant first in turn, so neither always runs after the other.
            order = list(codes) if i % 2 == 0 else list(reversed(codes))
            for name in order:
                loads.append(os.getloadavg()[0])
                asker = _asker(questions, timings[name] if clients == 1 else None)
                chroma_pid = processes[0].proc.pid if args.chroma == "server" else None
                cpu = cpu_seconds(pids[name]), time.process_time(), cpu_seconds(chroma_pid) if chroma_pid else 0.0
                samples, elapsed = asyncio.run(closed_loop(urls[name], clients, args.duration, asker))
                run = summary(samples, elapsed)
                per_request = 1000 / max(run["ok"], 1)
                run["server_cpu_ms_per_request"] = round((cpu_seconds(pids[name]) - cpu[0]) * per_request, 2)
                run["client_cpu_ms_per_request"] = round((time.process_time() - cpu[1]) * per_request, 2)
                if chroma_pid:
                    run["chroma_cpu_ms_per_request"] = round((cpu_seconds(chroma_pid) - cpu[2]) * per_request, 2)
                runs[name][str(clients)] = {**run, "load_average_1min": loads[-1]}
                print(f"{name:>8} {clients:>3} clients: {_line(runs[name][str(clients)])}", flush=True)
        server_split = {
            name: {k: round(float(np.median(v)), 2) if v else None for k, v in t.items()} for name, t in timings.items()
        }
        same = asyncio.run(same_answers(urls["baseline"], urls["current"])) if "baseline" in urls else None
    result: dict[str, Any] = {
        "chroma": "embedded" if args.chroma == "embedded" else "server (chroma run, HTTP)",
        "workers": args.workers,
        "articles": len(list(docs.glob("*.txt"))),
        "clients": args.clients,
        "seconds_per_run": args.duration,
        "questions": len(questions),
        "runs": runs,
        "server_timings_p50_ms_1_client": server_split,
        "query_embedding_p50_ms": query_embedding_p50(questions),
        "load_average_1min": {"min": min(loads), "max": max(loads), "each_run": loads},
        "targets": TARGETS,
    }
    if args.baseline:
        result["baseline"] = {"ref": args.baseline, "commit": (codes["baseline"] / "COMMIT").read_text()}
        result["same_answers"] = same
        result["ratios"] = {
            c: {
                "p50_before_over_after": _ratio(runs["baseline"][c].get("p50_ms"), runs["current"][c].get("p50_ms")),
                "p95_before_over_after": _ratio(runs["baseline"][c].get("p95_ms"), runs["current"][c].get("p95_ms")),
                "rps_after_over_before": _ratio(
                    runs["current"][c]["requests_per_s"], runs["baseline"][c]["requests_per_s"]
                ),
            }
            for c in runs["current"]
        }
    return result


def _asker(questions: list[str], timings: dict[str, list[float]] | None = None) -> Step:
    async def ask(http: httpx.AsyncClient, client: int, n: int, sample: Sample) -> httpx.Response:
        # Each client starts elsewhere in the list, so concurrent clients ask different questions.
        question = questions[(client * 37 + n) % len(questions)]
        response = await http.post("/ask", json={"question": question})
        if timings is not None and response.status_code == 200:
            spent = response.json()["timings_ms"]
            timings["retrieve"].append(spent["retrieve"])
            timings["generate"].append(spent["generate"])
        return response

    return ask


def _ratio(a: float | None, b: float | None) -> float | None:
    return round(a / b, 2) if a and b else None


def _line(run: dict[str, Any]) -> str:
    return (
        f"p50 {run.get('p50_ms', '-')} ms, p95 {run.get('p95_ms', '-')} ms, {run['requests_per_s']} req/s, "
        f"{run['requests']} requests, errors {run['errors'] or 0}, server CPU {run['server_cpu_ms_per_request']} "
        f"ms/request, load {run['load_average_1min']:.2f}"
    )


def query_embedding_p50(questions: list[str]) -> float:
    """The query embedding alone, in this process (the servers are stopped): the model /ask runs first."""
    from ingest.embedding import Embedder

    s = Settings(_env_file=None, onnx_dir=ONNX_CACHE)
    embedder = Embedder(s.embedding_model, s.embedding_batch_size, s.embedding_backend, s.onnx_cache_dir)
    for q in questions[:20]:
        embedder.embed_query(q)
    spent = []
    for q in questions:
        started = time.perf_counter()
        embedder.embed_query(q)
        spent.append((time.perf_counter() - started) * 1000)
    return round(float(np.median(spent)), 2)


# --- faults ---------------------------------------------------------------------------------------------
_LETTERS = string.ascii_lowercase


@dataclass
class Generated:
    """A small invented article and the one question only it answers."""

    word: str  # an invented name, in no other article
    boats: int

    @classmethod
    def new(cls, rng: random.Random) -> Generated:
        return cls("Kel" + "".join(rng.choice(_LETTERS) for _ in range(7)), rng.randint(21, 97))

    def body(self) -> dict[str, str]:
        return {
            "title": f"{self.word} harbour holds its lantern boat parade",
            "text": f"The {self.word} harbour festival drew visitors to the lantern boat parade on the old canal. "
            f"Organisers said {self.boats} decorated boats took part this year, led by harbour master "
            f"Quilla {self.word}son.",
            "source": LOADTEST_SOURCE,
            "published": "2024-08-10",
        }

    def question(self) -> str:
        return f"How many decorated boats took part in the {self.word} lantern boat parade?"


@dataclass
class Writes:
    """What the clients wrote, by outcome."""

    uploaded: dict[str, Generated] = field(default_factory=dict)  # 201, not deleted since
    deleted: dict[str, Generated] = field(default_factory=dict)  # 200
    unsure: dict[str, Generated] = field(default_factory=dict)  # a delete without a 200: either state is right
    busy: set[str] = field(default_factory=set)  # being deleted right now


def faults(args: argparse.Namespace) -> dict[str, Any]:
    questions = dev_questions()
    root = SCRATCH / "faults"
    shutil.rmtree(root, ignore_errors=True)
    root.mkdir(parents=True)
    data = root / "data"
    if args.quick:
        docs = root / "corpus"
        docs.mkdir()
        for f in sorted(CORPUS.glob("*.txt"))[:3]:
            shutil.copy2(f, docs / f.name)
    else:
        sync_bench_index()
        docs = CORPUS
        # A copy of the benchmark index, so the uploads and deletes never touch it.
        shutil.copytree(BENCH_DATA / "chroma", root / "chroma")
        shutil.copytree(BENCH_DATA / "bm25", data / "bm25")
    chroma_port = free_port()
    chroma_log = root / "chroma.log"
    rng = random.Random(args.seed)
    writes = Writes()
    outage: dict[str, float] = {}
    processes: list[Process] = []
    with stopping(processes):
        processes.append(start_chroma(root / "chroma", chroma_port, chroma_log))
        extra = {"NEWSQA_CHROMA_HOST": "127.0.0.1", "NEWSQA_CHROMA_PORT": str(chroma_port)}
        if args.chroma_timeout:
            extra["NEWSQA_CHROMA_TIMEOUT"] = str(args.chroma_timeout)
        env = newsqa_env(REPO, docs, data, root / "unused-embedded-chroma", extra)
        # The quick run's few articles are indexed by newsqa serve itself before its workers start.
        server, url = start_newsqa("faults", env, root, args.fault_workers, index=args.quick)
        processes.append(server)
        asyncio.run(closed_loop(url, 2, 1.0 if args.quick else 5.0, _asker(questions)))

        async def chroma_outage(t0: float, clock: Clock) -> None:
            await asyncio.sleep(args.outage_at)
            chroma = processes[0]
            clock.held = True
            try:
                outage["down"] = time.perf_counter() - t0
                if args.outage == "pause":
                    chroma.proc.send_signal(signal.SIGSTOP)
                    await asyncio.sleep(args.outage_seconds)
                    chroma.proc.send_signal(signal.SIGCONT)
                else:
                    chroma.proc.kill()  # a crash, not a clean stop: whatever it had not written is lost with it
                    chroma.proc.wait()
                    await asyncio.sleep(args.outage_seconds)
                    outage["restarting"] = time.perf_counter() - t0
                    processes[0] = await asyncio.to_thread(start_chroma, root / "chroma", chroma_port, chroma_log)
                outage["up"] = time.perf_counter() - t0  # the Chroma server answers its heartbeat again
                # However slow the restart, the run goes on long enough to show the requests after it succeed.
                clock.deadline = max(clock.deadline, time.perf_counter() + _GRACE + 3.0)
            finally:
                clock.held = False  # (a restart that fails must not keep the clients asking for ever)

        step = _mixed_step(questions, writes, rng, args.write_share)
        samples, elapsed = asyncio.run(closed_loop(url, args.fault_clients, args.fault_duration, step, chroma_outage))
        time.sleep(2.5)  # every worker's view of the records is at most a second old (ingest.store)
        checks = asyncio.run(end_checks(url, writes))
        server_log = server.tail(200_000)
    return fault_report(args, samples, elapsed, outage, writes, checks, server_log)


def _mixed_step(questions: list[str], writes: Writes, rng: random.Random, write_share: float) -> Step:
    ask = _asker(questions)

    async def step(http: httpx.AsyncClient, client: int, n: int, sample: Sample) -> httpx.Response:
        roll = rng.random()
        if roll >= write_share:
            return await ask(http, client, n, sample)
        deletable = [d for d in writes.uploaded if d not in writes.busy]
        if roll < write_share / 2 or not deletable:
            sample.kind = "upload"
            article = Generated.new(rng)
            response = await http.post("/documents", json=article.body())
            if response.status_code == 201:
                writes.uploaded[response.json()["doc_id"]] = article
            return response
        sample.kind = "delete"
        doc_id = rng.choice(deletable)
        writes.busy.add(doc_id)
        try:
            response = await http.delete(f"/documents/{doc_id}")
        except httpx.HTTPError:
            writes.unsure[doc_id] = writes.uploaded.pop(doc_id)
            raise
        finally:
            writes.busy.discard(doc_id)
        article = writes.uploaded.pop(doc_id)
        (writes.deleted if response.status_code == 200 else writes.unsure)[doc_id] = article
        return response

    return step


async def end_checks(url: str, writes: Writes) -> dict[str, Any]:
    """Every 201 upload listed and answered citing it; every 200 delete 404, unlisted and never cited."""
    failures: list[str] = []
    async with httpx.AsyncClient(base_url=url, timeout=REQUEST_TIMEOUT) as http:
        listed: set[str] = set()
        offset = 0
        while True:
            page = await http.get("/documents", params={"source": LOADTEST_SOURCE, "limit": 200, "offset": offset})
            if page.status_code != 200:
                return {"failures": [f"GET /documents: {page.status_code} {_message(page)}"], "passed": False}
            body = page.json()
            listed |= {item["doc_id"] for item in body["items"]}
            offset += len(body["items"])
            if offset >= body["total"] or not body["items"]:
                break

        async def cited(article: Generated) -> tuple[set[str], set[str], str]:
            r = await http.post("/ask", json={"question": article.question()})
            if r.status_code != 200:
                return set(), set(), f"{r.status_code} {_message(r)}"
            answer = r.json()
            cited = {c["doc_id"] for c in answer["citations"]}
            return cited, {p["doc_id"] for p in answer["passages"]}, answer["answer"]

        answered = 0
        for doc_id, article in writes.uploaded.items():
            docs, _, text = await cited(article)
            if doc_id not in listed:
                failures.append(f"uploaded {doc_id} (201) is not listed")
            if doc_id in docs and str(article.boats) in text:
                answered += 1
            else:
                failures.append(f"uploaded {doc_id} (201): {article.question()!r} answered {text[:120]!r}")
        gone = 0
        for doc_id, article in writes.deleted.items():
            got = await http.get(f"/documents/{doc_id}")
            _, passages, _ = await cited(article)
            if got.status_code == 404 and doc_id not in listed and doc_id not in passages:
                gone += 1
            else:
                failures.append(
                    f"deleted {doc_id} (200): GET {got.status_code}, listed {doc_id in listed}, "
                    f"retrieved {doc_id in passages}"
                )
        # A delete without a 200 may or may not have happened; whichever it is, it must be whole.
        for doc_id, article in writes.unsure.items():
            got = await http.get(f"/documents/{doc_id}")
            _, passages, _ = await cited(article)
            present = (got.status_code == 200, doc_id in listed, doc_id in passages)
            if len(set(present)) != 1:
                failures.append(f"unconfirmed delete {doc_id}: half there (found, listed, retrieved) = {present}")
    return {
        "uploads_listed_and_answered": answered,
        "uploads_expected": len(writes.uploaded),
        "deletes_gone": gone,
        "deletes_expected": len(writes.deleted),
        "unconfirmed_deletes_whole": len(writes.unsure) - sum(f.startswith("unconfirmed") for f in failures),
        "unconfirmed_deletes": len(writes.unsure),
        "failures": failures[:50],
        "passed": not failures,
    }


def fault_report(
    args: argparse.Namespace,
    samples: list[Sample],
    elapsed: float,
    outage: dict[str, float],
    writes: Writes,
    checks: dict[str, Any],
    server_log: str,
) -> dict[str, Any]:
    down, up = outage.get("down", float("inf")), outage.get("up", float("inf"))
    timeout = args.chroma_timeout or Settings.model_fields["chroma_timeout"].default

    def during(s: Sample) -> bool:  # the request overlapped the outage (or its first seconds after)
        return s.start < up + _GRACE and s.start + s.seconds > down

    by_kind = {k: Counter(str(s.status) for s in samples if s.kind == k) for k in ("ask", "upload", "delete")}
    server_errors = [s for s in samples if s.status == 0 or (s.status >= 500 and s.status != 503)]
    stray_503 = [s for s in samples if s.status == 503 and not during(s)]
    in_outage = [s for s in samples if during(s)]
    after = sorted((s for s in samples if s.start >= up and 200 <= s.status < 300), key=lambda s: s.start)
    asks_after = [s for s in samples if s.kind == "ask" and s.start >= up + _GRACE]
    outside = [s for s in samples if not during(s)]
    messages = Counter(s.detail for s in samples if s.status == 503)
    timeline: dict[int, Counter[str]] = {}
    for s in samples:
        timeline.setdefault(int(s.start), Counter())[str(s.status)] += 1
    result: dict[str, Any] = {
        "workers": args.fault_workers,
        "clients": args.fault_clients,
        "seconds": args.fault_duration,
        "write_share": args.write_share,
        "outage": {
            "kind": "chroma run killed (SIGKILL), restarted on the same port and folder"
            if args.outage == "kill"
            else "chroma run paused (SIGSTOP), resumed (SIGCONT)",
            "down_at_s": round(down, 2),
            "up_at_s": round(up, 2),
            "seconds": round(up - down, 2),
            "chroma_timeout_s": timeout,
            "requests_overlapping": len(in_outage),
            "slowest_overlapping_s": round(max((s.seconds for s in in_outage), default=0.0), 2),
            "their_statuses": dict(Counter(str(s.status) for s in in_outage)),
            "503_messages": dict(messages.most_common(5)),
            "first_success_after_s": round(after[0].start - up, 2) if after else None,
            "asks_after_all_ok": bool(asks_after) and all(s.status == 200 for s in asks_after),
        },
        "statuses_by_kind": {k: dict(v) for k, v in by_kind.items()},
        "server_errors": len(server_errors),
        "server_error_examples": [f"{s.kind} {s.status} {s.detail}" for s in server_errors[:10]],
        "503_outside_outage": len(stray_503),
        "503_outside_examples": [f"{s.kind} at {s.start:.1f}s: {s.detail}" for s in stray_503[:5]],
        "outside_outage": summary(outside, elapsed),
        "asks_outside_outage": summary([s for s in outside if s.kind == "ask"], elapsed),
        "writes_outside_outage": summary([s for s in outside if s.kind != "ask"], elapsed),
        "all": summary(samples, elapsed),
        "checks": checks,
        "tracebacks_in_server_log": server_log.count("Traceback"),
        "timeline": {str(t): dict(c) for t, c in sorted(timeline.items())},
        "load_average": list(os.getloadavg()),
    }
    # A pause shorter than the Chroma timeout only slows requests down; anything longer must be answered 503.
    expect_503 = args.outage == "kill" or args.outage_seconds > timeout
    result["passed"] = bool(
        checks["passed"]
        and not server_errors
        and not stray_503
        and result["outage"]["asks_after_all_ok"]
        and ("503" in result["outage"]["their_statuses"] or not expect_503)
    )
    return result


# --- output ---------------------------------------------------------------------------------------------
def _pyplot() -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    return plt


def _save(fig: Any, path: Path) -> None:
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    _pyplot().close(fig)


def plot_speed(result: dict[str, Any], path: Path) -> None:
    plt = _pyplot()
    fig, (lat, rps) = plt.subplots(1, 2, figsize=(11, 4.2))
    for (name, runs), color in zip(result["runs"].items(), ("tab:grey", "tab:blue"), strict=False):
        clients = [int(c) for c in runs]
        for key, style in (("p50_ms", "-o"), ("p95_ms", "--s")):
            lat.plot(clients, [r.get(key) for r in runs.values()], style, color=color, label=f"{name} {key[:3]}")
        rps.plot(clients, [r["requests_per_s"] for r in runs.values()], "-o", color=color, label=name)
    lat.set_yscale("log")
    for ax in (lat, rps):
        ax.set_xscale("log", base=2)
        ax.set_xticks(result["clients"], [str(c) for c in result["clients"]])
        ax.set_xlabel("concurrent clients (closed loop)")
        ax.grid(alpha=0.3)
        ax.legend()
    lat.set_ylabel("/ask latency, ms (log scale)")
    lat.axhline(TARGETS["p50_ms_1_client"], color="grey", lw=0.8, ls=":")
    rps.set_ylabel("answers per second")
    rps.axhline(TARGETS["rps_8_clients"], color="grey", lw=0.8, ls=":")
    loads = result["load_average_1min"]
    fig.suptitle(
        f"newsqa serve, {result['articles']} articles, {result['workers']} worker(s), Chroma {result['chroma']}; "
        f"load average {loads['min']:.1f}-{loads['max']:.1f} on {os.cpu_count()} cores",
        fontsize=9,
    )
    _save(fig, path)


def plot_faults(result: dict[str, Any], path: Path) -> None:
    plt = _pyplot()
    seconds = sorted(int(t) for t in result["timeline"])
    statuses = sorted({s for c in result["timeline"].values() for s in c}, key=lambda s: (s != "200", s))
    fig, ax = plt.subplots(figsize=(10, 3.8))
    bottom = np.zeros(len(seconds))
    for status in statuses:
        counts = np.array([result["timeline"][str(t)].get(status, 0) for t in seconds])
        color = {"200": "tab:blue", "201": "tab:cyan", "503": "tab:orange"}.get(status, "tab:red")
        ax.bar(seconds, counts, bottom=bottom, width=0.9, label=status, color=color)
        bottom += counts
    o = result["outage"]
    ax.axvspan(o["down_at_s"], o["up_at_s"], color="grey", alpha=0.15, label="Chroma server down")
    ax.set_xlabel("second of the run (by request start)")
    ax.set_ylabel("requests")
    ax.legend(title="status", fontsize=8)
    ax.set_title(
        f"{result['clients']} clients, {result['workers']} workers, {int(result['write_share'] * 100)} % writes: "
        f"{o['kind']}",
        fontsize=9,
    )
    _save(fig, path)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("mode", nargs="?", choices=["speed", "faults", "all"], default="all")
    parser.add_argument("--quick", action="store_true", help="a few articles, seconds per run: every part, for CI")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8, 32])
    parser.add_argument("--duration", type=float, default=30.0, help="seconds per speed run")
    parser.add_argument("--workers", type=int, default=1, help="newsqa serve workers in the speed runs")
    parser.add_argument("--chroma", choices=["embedded", "server"], default="embedded", help="speed runs' Chroma")
    parser.add_argument("--baseline", metavar="REF", help="also serve the code of this git ref, alternating")
    parser.add_argument("--fault-clients", type=int, default=32)
    parser.add_argument("--fault-duration", type=float, default=60.0)
    parser.add_argument("--fault-workers", type=int, default=2)
    parser.add_argument("--write-share", type=float, default=0.1, help="share of requests that upload or delete")
    parser.add_argument("--outage", choices=["kill", "pause"], default="kill")
    parser.add_argument("--outage-at", type=float, default=20.0, help="seconds into the faults run")
    parser.add_argument("--outage-seconds", type=float, default=10.0)
    parser.add_argument("--chroma-timeout", type=float, help="NEWSQA_CHROMA_TIMEOUT of the faults run's server")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    require_eval_data()
    if args.quick:
        args.clients, args.duration = [1, 4], 1.5
        args.fault_clients, args.fault_duration, args.outage_at, args.outage_seconds = 6, 9.0, 2.0, 1.5

    name = "load-quick.json" if args.quick else "load.json"
    previous = RESULTS / name
    result: dict[str, Any] = json.loads(previous.read_text()) if previous.exists() else {}
    result.update(machine=machine(), load_average_before=list(os.getloadavg()))
    if args.mode in ("speed", "all"):
        # The default set-up is "speed"; another (a Chroma server, more workers) is kept beside it.
        key = "speed"
        if (args.chroma, args.workers) != ("embedded", 1):
            key = f"speed-{args.chroma}-{args.workers}-workers"
        result[key] = speed(args)
        rows = [("variant, clients", "p50 / p95 ms", "answers/s")]
        for variant, runs in result[key]["runs"].items():
            for clients, run in runs.items():
                p = f"{run.get('p50_ms', '-')} / {run.get('p95_ms', '-')}"
                rows.append((f"{variant}, {clients}", p, f"{run['requests_per_s']} (errors {run['errors'] or 0})"))
        print(table(rows))
        print(f"query embedding p50 {result[key]['query_embedding_p50_ms']} ms (in process)")
        if result[key].get("same_answers"):
            print(f"same answers before/after: {json.dumps(result[key]['same_answers'])}")
        if not args.quick and key == "speed":
            plot_speed(result[key], RESULTS / "load.png")
    if args.mode in ("faults", "all"):
        section = "faults" if args.outage == "kill" else "faults-pause"
        result[section] = faults(args)
        f = result[section]
        print(json.dumps({k: f[k] for k in ("outage", "statuses_by_kind", "server_errors", "503_outside_outage")}))
        print(json.dumps(f["checks"]))
        print(f"faults: {'passed' if f['passed'] else 'FAILED'}; outside the outage {_line_faults(f)}")
        if not args.quick and section == "faults":
            plot_faults(f, RESULTS / "load-faults.png")
    result["load_average_after"] = list(os.getloadavg())
    path = write_json(name, result)
    if not args.quick:
        shutil.rmtree(SCRATCH, ignore_errors=True)
    print(f"wrote {path}")


def _line_faults(f: dict[str, Any]) -> str:
    run = f["outside_outage"]
    return f"p50 {run.get('p50_ms')} ms, p95 {run.get('p95_ms')} ms, {run['requests_per_s']} req/s"


if __name__ == "__main__":
    main()
