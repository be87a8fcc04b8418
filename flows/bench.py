"""`corpus bench`: throughput, stage costs, fixed costs, memory and re-ingest time of the ingest flow against raw
`nlp.pipe`, measured in one run on the first N records of a JSONL dump (OrangeSum by default), and checked against the
targets of issues 8 and 22 (`TARGETS`).

Raw `nlp.pipe` runs the pipeline with spaCy's French lemmatizer as shipped (`corpus.nlp.STOCK_LEMMATIZER`): the
reference stays the same whatever the flow saves; `--compare-cut` also runs the flow with it, and checks that both
warehouses hold the same rows.

Each measurement runs in a fresh process, so that one's model, caches and memory do not leak into the next, while a
thread samples the resident memory of that process and all its descendants (`TreeMemory`). The flow's own stages
come from its summary (`seconds`); what the workers spend inside quotes and citations cannot be told apart under
multiprocessing, so a serial profile measures each pipeline component in this process, at the end.
"""

from __future__ import annotations

import contextlib
import gzip
import json
import multiprocessing
import os
import shutil
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from corpus.nlp import STOCK_LEMMATIZER

DEFAULT_SOURCE = Path(__file__).resolve().parent.parent.parent / "shared/data/articles/orangesum/orangesum_articles.jsonl.gz"
PROFILE_DOCS = 200
"""The serial profile's documents (the first ones of the sample): enough for stable shares, few enough to be short."""
SAMPLE_SECONDS = 1.0
"""A pass lists /proc and reads each process's memory (1.9 ms of CPU here): every 0.2 s it would take ~1 % of a core
from the run it measures; the model's memory rises in steps and plateaus, which one sample a second sees."""
PIPE_BATCH = 32
"""`nlp.pipe`'s batch size, as `corpus.nlp.annotate` uses it."""


@dataclass(frozen=True)
class Target:
    name: str
    limit: float
    at_least: bool
    """True when the figure must be at least `limit`, false when at most."""

    def verdict(self, value: float | None) -> str:
        if value is None:
            return "n/a"
        return "PASS" if (value >= self.limit if self.at_least else value <= self.limit) else "FAIL"


TARGETS = {
    "e2e_over_raw": Target("end-to-end / raw nlp.pipe throughput (each worker count)", 0.90, True),
    "two_over_one": Target("two processes / one process, end to end", 1.7, True),
    "load_share": Target("loading (load tasks) share of wall time (each worker count)", 0.05, False),
    "rss_growth": Target("peak RSS at N / peak RSS at the baseline N", 1.2, False),
    "reingest_share": Target("re-ingest of the unchanged N / first run (each worker count)", 0.03, False),
    "two_over_raw_one": Target("two workers end to end / one-process raw nlp.pipe", 1.45, True),
    "cut_gain": Target("end to end / raw with the work cut, over the same without it", 1.10, True),
    "cut_identical": Target("the same rows with and without the work cut (1 = every table)", 1.0, True),
}


class TreeMemory:
    """The peak, over samples every `SAMPLE_SECONDS`, of the summed RSS of a process and all its descendants."""

    def __init__(self, pid: int):
        self.pid, self.peak, self._stop = pid, 0, threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def __enter__(self) -> TreeMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()

    def _sample(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop.wait(SAMPLE_SECONDS)


def tree_rss(root: int) -> int:
    """Bytes resident in `root` and its descendants now (0 once `root` is gone)."""
    parents: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            parents[int(entry)] = int(stat.rsplit(")", 1)[1].split()[1])
    tree, frontier = {root}, [root]
    while frontier:
        children = [pid for pid, parent in parents.items() if parent in frontier and pid not in tree]
        tree.update(children)
        frontier = children
    total = 0
    for pid in tree:
        try:
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * os.sysconf("SC_PAGE_SIZE")
        except OSError:
            pass
    return total


def in_fresh_process(phase: Callable[..., dict], env: dict[str, str] | None = None, **kwargs) -> tuple[dict, int]:
    """`phase(**kwargs)` run in a new process (with `env` added to its environment), and the peak RSS of its process
    tree."""
    context = multiprocessing.get_context("spawn")
    receiver, sender = context.Pipe(duplex=False)
    process = context.Process(target=_run_phase, args=(phase, kwargs, sender))
    with added_environment(env or {}):
        process.start()
    sender.close()
    with TreeMemory(process.pid) as memory:
        try:
            result = receiver.recv()
        except EOFError:
            result = {"error": "the process ended without an answer"}
        process.join()
    if "error" in result:
        raise RuntimeError(f"{phase.__name__} failed: {result['error']}")
    return result, memory.peak


@contextlib.contextmanager
def added_environment(env: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


STOCK = {STOCK_LEMMATIZER: "1"}
"""The environment of a phase that runs spaCy's French lemmatizer as shipped."""


def _run_phase(phase: Callable[..., dict], kwargs: dict, sender) -> None:
    try:
        sender.send(phase(**kwargs))
    except BaseException as error:
        sender.send({"error": f"{type(error).__name__}: {error}"})
        raise


def write_sample(source: Path, n: int, folder: Path) -> Path:
    """The first `n` records of the JSONL dump `source` (gzipped or not), as a file of their own."""
    sample = folder / f"first_{n}.jsonl"
    opener = gzip.open if source.suffix == ".gz" else open
    with opener(source, "rb") as lines, open(sample, "wb") as out:
        for i, line in enumerate(lines):
            if i == n:
                break
            out.write(line)
    return sample


def annotated_articles(sample: Path) -> list:
    """The sample's articles that the ingest flow annotates (French or undetermined)."""
    from corpus.read.parse import parse_document
    from corpus.records import Article
    from flows.ingest import NLP_LANGUAGES
    from flows.sources import discover, plan, read_slice

    files, _ = discover([str(sample)], 1_000_000)
    parsed = (parse_document(raw) for batch in plan(files, 1_000_000) for s in batch for raw in read_slice(s))
    return [a for a in parsed if isinstance(a, Article) and a.language in NLP_LANGUAGES]


def words_in(texts: Sequence[str]) -> int:
    return sum(len(text.split()) for text in texts)


def raw_pipe(sample: Path, workers: int) -> dict:
    """Raw `nlp.pipe` over exactly what the flow annotates: the texts with the whole pipeline, titles and notes with
    NER's components (`NOT_FOR_NER` off), in `workers` processes; the model is loaded before the clock starts."""
    from corpus.nlp import NOT_FOR_NER, load_pipeline, texts_apart

    articles = annotated_articles(sample)
    texts = [a.text for a in articles]
    apart = [text for a in articles for text in texts_apart(a)]
    nlp = load_pipeline()
    list(nlp.pipe(texts[:5]))
    started = time.perf_counter()
    with nlp.memory_zone():
        for _ in nlp.pipe(texts, n_process=workers, batch_size=PIPE_BATCH):
            pass
        for _ in nlp.pipe(apart, disable=NOT_FOR_NER, n_process=workers, batch_size=PIPE_BATCH):
            pass
    return {"seconds": time.perf_counter() - started, "docs": len(articles), "words": words_in(texts + apart)}


def ingest_twice(sample: Path, workers: int, batch_size: int, db: Path) -> dict:
    """The ingest flow into a fresh database with `workers` worker processes, then again over the same, unchanged
    sample. Prefect's ephemeral API starts first, off the clock, with a flow that does nothing; the workers' server
    starts on the clock, as `corpus ingest` starts it."""
    from flows.ingest import ingest, nlp_workers, warm_nlp_workers

    started = time.perf_counter()
    _prefect_start_up()
    prefect_seconds = time.perf_counter() - started
    run = ingest.with_options(task_runner=nlp_workers(workers))
    timings = {}
    for name in ("first", "again"):
        started = time.perf_counter()
        warm_nlp_workers()
        summary = run(paths=[str(sample)], db=str(db), batch_size=batch_size)
        timings[name] = {"seconds": time.perf_counter() - started, "summary": summary}
    return {"prefect_start_up": prefect_seconds, **timings}


def _prefect_start_up() -> None:
    from prefect import flow

    flow(name="bench-start-up")(lambda: None)()


def fixed_costs() -> dict[str, float]:
    """What a run pays before its first document, each on its own: importing the flow, loading the pipeline in one
    process (cold), the workers' server up with the pipeline loaded, and a worker forked from it."""
    started = time.perf_counter()
    import flows.ingest
    from corpus.nlp import load_pipeline
    from flows.prefect_workarounds import forkserver

    seconds = {"imports": time.perf_counter() - started}
    started = time.perf_counter()
    load_pipeline()
    seconds["pipeline load, one process"] = time.perf_counter() - started
    if "forkserver" in multiprocessing.get_all_start_methods():
        context = forkserver(flows.ingest.WORKER_PRELOAD, start=True)
        for name in ("workers' server up, pipeline loaded", "a worker forked from it"):
            started = time.perf_counter()
            process = context.Process(target=os.getpid)
            process.start()
            process.join()
            seconds[name] = time.perf_counter() - started
    return seconds


def serial_profile(sample: Path, n_docs: int, batch_size: int, db: Path) -> dict[str, float]:
    """Seconds per stage for the first `n_docs` documents in this one process: reading and parsing, the tokenizer and
    each pipeline component (quote_ruler is the quotes), the titles and notes, the records (what `annotate` costs
    beyond the pipeline), citations (`cite`, part of the records), loading and the end-of-run summaries."""
    from corpus.citations.resolve import cite
    from corpus.nlp import NOT_FOR_NER, annotate, load_pipeline, texts_apart
    from warehouse.load import load_batch, open_warehouse, start_run, update_summaries

    seconds: dict[str, float] = {}
    started = time.perf_counter()
    articles = annotated_articles(sample)[:n_docs]
    seconds["read_parse"] = time.perf_counter() - started
    nlp = load_pipeline()
    list(annotate(articles[:2]))
    with nlp.memory_zone():
        started = time.perf_counter()
        docs = [nlp.make_doc(a.text) for a in articles]
        seconds["tokenizer"] = time.perf_counter() - started
        for name, component in nlp.pipeline:
            started = time.perf_counter()
            docs = list(component.pipe(docs, batch_size=PIPE_BATCH) if hasattr(component, "pipe")
                        else map(component, docs))
            seconds[name] = time.perf_counter() - started
        started = time.perf_counter()
        list(nlp.pipe([t for a in articles for t in texts_apart(a)], disable=NOT_FOR_NER, batch_size=PIPE_BATCH))
        seconds["titles_notes"] = time.perf_counter() - started
    pipeline_seconds = sum(seconds.values()) - seconds["read_parse"]
    started = time.perf_counter()
    records = list(annotate(articles))
    seconds["records"] = max(time.perf_counter() - started - pipeline_seconds, 0.0)
    started = time.perf_counter()
    for r in records:
        cite(r.article, r.sentences, r.quotes, r.quote_notes)
    seconds["citations (in records)"] = time.perf_counter() - started
    with open_warehouse(db) as con:
        start_run(con, "bench", pipeline_version="bench", flow_run_id=None, arguments="bench")
    started = time.perf_counter()
    for i in range(0, len(records), batch_size):
        with open_warehouse(db, migrate=False) as con:
            load_batch(con, "bench", records[i:i + batch_size], [], 0)
    seconds["load"] = time.perf_counter() - started
    started = time.perf_counter()
    with open_warehouse(db, migrate=False) as con:
        update_summaries(con)
    seconds["summarise"] = time.perf_counter() - started
    return seconds


def run_bench(n: int, source: Path, workers: Sequence[int], batch_size: int, folder: Path,
              rss_baseline: int, compare_cut: bool = False) -> dict:
    """Every figure of the report, measured in this one run."""
    sample = write_sample(source, n, folder)
    report: dict = {"n": n, "source": str(source), "batch_size": batch_size, "workers": {}}
    raw_by_workers = {}
    for w in sorted({1, *workers}):
        _say(f"raw nlp.pipe, {w} process(es), {n} records")
        raw_by_workers[w] = in_fresh_process(raw_pipe, env=STOCK, sample=sample, workers=w)
    report["raw_one_process"] = raw_by_workers[1][0]
    for w in workers:
        _say(f"ingest, {w} worker(s), {n} records, then again unchanged")
        runs, e2e_rss = in_fresh_process(ingest_twice, sample=sample, workers=w, batch_size=batch_size,
                                         db=folder / f"bench_w{w}.duckdb")
        report["workers"][w] = figures(*raw_by_workers[w], runs, e2e_rss)
    raw = raw_by_workers[1][0]
    report.update(words=raw["words"], docs=raw["docs"])
    if compare_cut:
        w = max(workers)
        _say(f"ingest, {w} worker(s), {n} records, spaCy's lemmatizer as shipped (without the work cut)")
        runs, e2e_rss = in_fresh_process(ingest_twice, env=STOCK, sample=sample, workers=w, batch_size=batch_size,
                                         db=folder / f"bench_w{w}_stock.duckdb")
        from warehouse.digest import differing_tables

        report["without_cut"] = {"workers": w, **figures(*raw_by_workers[w], runs, e2e_rss),
                                 "differing_tables": differing_tables(str(folder / f"bench_w{w}.duckdb"),
                                                                      str(folder / f"bench_w{w}_stock.duckdb"))}
    _say("fixed costs")
    report["fixed_costs"] = in_fresh_process(fixed_costs)[0]
    if rss_baseline:
        w = max(workers)
        _say(f"ingest, {w} worker(s), {rss_baseline} records: the memory baseline")
        small = write_sample(source, rss_baseline, folder)
        _, small_rss = in_fresh_process(ingest_twice, sample=small, workers=w, batch_size=batch_size,
                                        db=folder / f"bench_baseline_w{w}.duckdb")
        report["rss_baseline"] = {"n": rss_baseline, "workers": w, "peak_rss_mb": small_rss / 2**20}
    _say(f"serial profile, 1 process, {min(n, PROFILE_DOCS)} documents")
    report["serial_profile"] = serial_profile(sample, PROFILE_DOCS, batch_size, folder / "bench_profile.duckdb")
    report["targets"] = verdicts(report)
    return report


def figures(raw: dict, raw_rss: int, runs: dict, e2e_rss: int) -> dict:
    first, again = runs["first"], runs["again"]
    wall = first["seconds"]
    stages = dict(first["summary"].get("seconds", {}))
    stages["other (Prefect, planning)"] = max(wall - sum(stages.values()), 0.0)
    return {
        "raw": {"seconds": raw["seconds"], "docs_per_s": raw["docs"] / raw["seconds"],
                "words_per_s": raw["words"] / raw["seconds"], "peak_rss_mb": raw_rss / 2**20},
        "e2e": {"seconds": wall, "docs_per_s": raw["docs"] / wall, "words_per_s": raw["words"] / wall,
                "over_raw": raw["seconds"] / wall, "peak_rss_mb": e2e_rss / 2**20,
                "loaded": first["summary"].get("n_loaded"), "prefect_start_up": runs["prefect_start_up"]},
        "stages": {name: {"seconds": s, "share": s / wall} for name, s in stages.items()},
        "reingest": {"seconds": again["seconds"], "share": again["seconds"] / wall,
                     "skipped": again["summary"].get("n_skipped"), "loaded": again["summary"].get("n_loaded")},
    }


def verdicts(report: dict) -> dict:
    by_workers = report["workers"]
    worst = {"e2e_over_raw": min(f["e2e"]["over_raw"] for f in by_workers.values()),
             "load_share": max(f["stages"]["load"]["share"] for f in by_workers.values()),
             "reingest_share": max(f["reingest"]["share"] for f in by_workers.values())}
    if 1 in by_workers and 2 in by_workers:
        worst["two_over_one"] = by_workers[2]["e2e"]["docs_per_s"] / by_workers[1]["e2e"]["docs_per_s"]
    if 2 in by_workers:
        worst["two_over_raw_one"] = report["raw_one_process"]["seconds"] / by_workers[2]["e2e"]["seconds"]
    if "without_cut" in report:
        without = report["without_cut"]
        worst["cut_gain"] = by_workers[without["workers"]]["e2e"]["over_raw"] / without["e2e"]["over_raw"]
        worst["cut_identical"] = 0.0 if without["differing_tables"] else 1.0
    if "rss_baseline" in report:
        baseline = report["rss_baseline"]
        worst["rss_growth"] = by_workers[baseline["workers"]]["e2e"]["peak_rss_mb"] / baseline["peak_rss_mb"]
    return {key: {"target": asdict(target), "value": worst.get(key), "verdict": target.verdict(worst.get(key))}
            for key, target in TARGETS.items()}


def render(report: dict) -> str:
    lines = [f"corpus bench: first {report['n']:,} records of {report['source']} ({report['docs']:,} annotated "
             f"documents, {report['words']:,} words), batches of {report['batch_size']}"]
    lines.append(f"{'workers':>7} | {'raw docs/s':>10} {'raw words/s':>11} {'raw RSS MB':>10} | {'e2e s':>7} "
                 f"{'e2e docs/s':>10} {'e2e words/s':>11} {'e2e/raw':>7} {'e2e RSS MB':>10} | {'again s':>7} "
                 f"{'again %':>7}")
    for w, f in report["workers"].items():
        raw, e2e, again = f["raw"], f["e2e"], f["reingest"]
        lines.append(f"{w:>7} | {raw['docs_per_s']:>10.2f} {raw['words_per_s']:>11,.0f} {raw['peak_rss_mb']:>10,.0f} | "
                     f"{e2e['seconds']:>7.1f} {e2e['docs_per_s']:>10.2f} {e2e['words_per_s']:>11,.0f} "
                     f"{e2e['over_raw']:>7.2f} {e2e['peak_rss_mb']:>10,.0f} | {again['seconds']:>7.2f} "
                     f"{100 * again['share']:>6.1f}%")
    for w, f in report["workers"].items():
        stages = ", ".join(f"{name} {s['seconds']:.1f} s ({100 * s['share']:.1f}%)" for name, s in f["stages"].items())
        lines.append(f"stages of the first run, {w} worker(s), % of its wall time: {stages}")
    if "without_cut" in report:
        without = report["without_cut"]
        differing = ", ".join(without["differing_tables"]) or "none"
        lines.append(f"without the work cut (spaCy's lemmatizer as shipped), {without['workers']} worker(s): e2e "
                     f"{without['e2e']['seconds']:.1f} s, e2e/raw {without['e2e']['over_raw']:.2f}; tables that "
                     f"differ from the run with it: {differing}")
    fixed = dict(report["fixed_costs"])
    fixed["Prefect API start-up"] = next(iter(report["workers"].values()))["e2e"]["prefect_start_up"]
    for w, f in report["workers"].items():
        fixed[f"end-of-run summaries, {w} worker(s)"] = f["stages"].get("summarise", {}).get("seconds", 0.0)
    lines.append("fixed costs: " + ", ".join(f"{name} {s:.2f} s" for name, s in fixed.items()))
    if "rss_baseline" in report:
        b = report["rss_baseline"]
        lines.append(f"memory baseline: {b['n']:,} records, {b['workers']} worker(s), peak RSS {b['peak_rss_mb']:,.0f} MB")
    profile = report["serial_profile"]
    total = sum(s for name, s in profile.items() if not name.startswith("citations"))
    lines.append(f"serial profile, 1 process, {min(report['n'], PROFILE_DOCS)} documents, {total:.1f} s: " + ", ".join(
        f"{name} {s:.2f} s ({100 * s / total:.1f}%)" for name, s in profile.items()))
    lines.append("targets:")
    for t in report["targets"].values():
        value = "not measured" if t["value"] is None else f"{t['value']:.3f}"
        sign = ">=" if t["target"]["at_least"] else "<="
        lines.append(f"  {t['verdict']:<4} {t['target']['name']}: {value} ({sign} {t['target']['limit']})")
    return "\n".join(lines)


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def main(n: int, source: Path, workers: Sequence[int], batch_size: int, json_path: Path | None, keep: Path | None,
         rss_baseline: int, compare_cut: bool = False) -> int:
    os.environ.setdefault("PREFECT_LOGGING_LEVEL", "WARNING")
    # Each measured process ends, and stops its ephemeral Prefect API, as soon as its flow returns: the API's event
    # recorder, cancelled with events still queued, logs tracebacks that say nothing about the figures.
    os.environ.setdefault("PREFECT_SERVER_LOGGING_LEVEL", "CRITICAL")
    folder = keep or Path(tempfile.mkdtemp(prefix="corpus-bench-"))
    folder.mkdir(parents=True, exist_ok=True)
    try:
        report = run_bench(n, source, workers, batch_size, folder, rss_baseline, compare_cut)
    finally:
        if keep is None:
            shutil.rmtree(folder, ignore_errors=True)
    print(render(report))
    if json_path:
        json_path.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    return 0
