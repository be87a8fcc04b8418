"""`corpus bench` at a tiny N: it runs every measurement, prints the figures and a verdict per target, and its
memory sampler counts a process's descendants."""

import json
import re
import subprocess
import sys

import pytest

from flows.bench import TARGETS, tree_rss
from flows.cli import main
from tests.conftest import wikinews_records, write_jsonl


def test_tree_rss_counts_the_memory_of_descendants():
    before = tree_rss(subprocess.os.getpid())
    child = subprocess.Popen([sys.executable, "-c", "import sys; b = bytearray(200 * 2**20); print('ready', flush=True); "
                              "sys.stdin.read()"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
    try:
        assert child.stdout.readline().strip() == "ready"
        assert tree_rss(subprocess.os.getpid()) - before > 190 * 2**20
    finally:
        child.communicate("")


@pytest.mark.slow
def test_bench_at_tiny_n_prints_the_figures_and_the_targets(tmp_path, capsys):
    source = write_jsonl(tmp_path / "records.jsonl", wikinews_records(8))
    out = tmp_path / "bench.json"
    assert main(["bench", "--n", "6", "--source", str(source), "--workers", "1", "--batch-size", "4",
                 "--rss-baseline", "3", "--compare-cut", "--json", str(out), "--keep", str(tmp_path / "kept")]) == 0
    printed = capsys.readouterr().out
    report = json.loads(out.read_text())
    figures = report["workers"]["1"]
    assert report["docs"] == 6 and report["words"] > 1000
    assert figures["e2e"]["loaded"] == 6 and (figures["reingest"]["loaded"], figures["reingest"]["skipped"]) == (0, 6)
    assert 0 < figures["e2e"]["over_raw"] < 1 and figures["raw"]["peak_rss_mb"] > 300
    assert {"read_parse", "annotate_wait", "load", "finish", "summarise"} <= set(figures["stages"])
    assert sum(s["seconds"] for s in figures["stages"].values()) <= figures["e2e"]["seconds"] + 1e-6
    assert {"quote_ruler", "ner", "parser", "citations (in records)", "load"} <= set(report["serial_profile"])
    assert report["targets"]["two_over_one"]["verdict"] == "n/a"  # one worker count only
    assert report["targets"]["rss_growth"]["value"] > 0
    for key, target in TARGETS.items():
        assert re.search(rf"(PASS|FAIL|n/a) +{re.escape(target.name)}", printed), key
    assert re.search(r"^ +1 \| +[\d.]+ +[\d,]+ +[\d,]+ \| ", printed, re.MULTILINE)
    assert (tmp_path / "kept" / "bench_w1.duckdb").exists()
    assert report["without_cut"]["differing_tables"] == [] and report["targets"]["cut_identical"]["value"] == 1.0
    assert report["without_cut"]["e2e"]["loaded"] == 6
    fixed = report["fixed_costs"]
    assert fixed["pipeline load, one process"] > 1 and fixed["a worker forked from it"] < 1
    assert re.search(r"^fixed costs: imports [\d.]+ s, pipeline load", printed, re.MULTILINE)
