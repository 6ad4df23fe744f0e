#!/usr/bin/env python3
"""Re-score every kept blind set: build a warehouse from its texts, score it against its gold.

Each set lives in evaluation/sets/<name>/ (gold/{facts,reports,sections}.csv, sources.csv,
first_run.md); its texts are kept outside the repo, in <texts>/<name>/raw/, because they are
third-party pages (README.md says how to re-find them). A set whose texts are not there is skipped,
saying so. Each build runs `python -m orchestration.run` in a subprocess with a throw-away warehouse
and DAGSTER_HOME, so the published warehouse and the Dagster instance are never touched.

Scoring uses the repo's copy of the team scorer (tests/score_gold.py), so the numbers are the ones
the gold tests use. Two shares are added that the scorer does not give:
  unclassified  pipeline facts of the set left `unclassified`, over all its pipeline facts
  wrong class   pipeline facts that meet a gold row (same file, value and measure, overlapping
                evidence) and carry a catalogue code the gold row does not allow, over all its
                pipeline facts; a gold row `*` allows any code, a gold row `unclassified` allows none

Usage (with the project's Python, from anywhere):
  .venv/bin/python evaluation/rescore.py [--texts /work/blind] [--set NAME ...] [--json] [--keep] [--code DIR]
Exit status: 0 when every set found was scored, 1 when a build failed, 2 when no set had texts.
"""
from __future__ import annotations

import argparse
import importlib.util
import json
import os
import re
import subprocess
import sys
import tempfile
from collections import defaultdict
from pathlib import Path
from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
SETS = REPO / "evaluation" / "sets"
SCORER = REPO / "tests" / "score_gold.py"
NOISE = re.compile(r"[\s\W_]+")  # punctuation and spaces differ between raw and normalized evidence


def load_scorer(path: Path = SCORER) -> ModuleType:
    """Import the scorer by path: tests/ is not an installed package when run as a script."""
    spec = importlib.util.spec_from_file_location("score_gold", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"rescore: cannot load the scorer at {path}")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


def build(raw: Path, workdir: Path, code: Path = REPO) -> tuple[Path | None, str]:
    """Build a warehouse from `raw` in `workdir` with the pipeline of checkout `code`.

    Returns the warehouse (None on failure) and the log tail. `code` may be a clean clone at an older
    commit, to score the code as it was (a first run) with today's gold and scorer.
    """
    warehouse = workdir / "r.duckdb"
    env = dict(os.environ, REPORTS_RAW_DIR=str(raw), REPORTS_WAREHOUSE=str(warehouse),
               DAGSTER_HOME=str(workdir / "dagster_home"))
    (workdir / "dagster_home").mkdir(exist_ok=True)
    proc = subprocess.run([sys.executable, "-m", "orchestration.run"], cwd=code, env=env,
                          capture_output=True, text=True, check=False)
    tail = "\n".join((proc.stdout + proc.stderr).strip().splitlines()[-12:])
    return (warehouse if proc.returncode == 0 and warehouse.exists() else None), tail


def shares(sg: ModuleType, gold_dir: Path, facts: list[dict]) -> dict:
    """Unclassified and wrong-class shares of the pipeline facts in the gold's files."""
    gold = sg.read_csv(gold_dir / "facts.csv")
    files = {sg.stem(r["file"]) for r in sg.read_csv(gold_dir / "reports.csv")} | {sg.stem(r["file"]) for r in gold}
    by_file: dict[str, list[dict]] = defaultdict(list)
    for g in gold:
        by_file[sg.stem(g["file"])].append(g)
    mine = [r for r in facts if sg.stem(r["source_file"]) in files and r.get("value") is not None]
    unclassified = wrong = 0
    examples: list[str] = []
    used: set[int] = set()
    for r in mine:
        code = r.get("indicator_code") or "unclassified"
        unclassified += code == "unclassified"
        ev = NOISE.sub("", str(r.get("evidence") or ""))
        cands = [g for g in by_file[sg.stem(r["source_file"])] if id(g) not in used
                 and sg.num(g["value"]) == sg.num(r["value"]) and g["measure"] == r.get("measure_code")]
        near = [g for g in cands if (e := NOISE.sub("", g["evidence"])) and (e in ev or ev in e)]
        fits = [g for g in near if code in g["indicator"].split("|") or g["indicator"] == "*"]
        hit = (fits or near or cands or [None])[0]  # two rows on one clause (办结率、满意率均为100%) pair by code
        if hit is None:
            continue
        used.add(id(hit))
        allowed = hit["indicator"].split("|")
        if code != "unclassified" and "*" not in allowed and code not in allowed:
            wrong += 1
            examples.append(f"{sg.stem(r['source_file'])}: {code} where gold has {hit['indicator']}: {hit['evidence']}")
    n = len(mine)
    return {"facts": n, "unclassified": unclassified, "wrong_class": wrong,
            "unclassified_share": round(unclassified / n, 4) if n else 0.0,
            "wrong_class_share": round(wrong / n, 4) if n else 0.0, "wrong_class_examples": examples}


def rescore(name: str, texts: Path, sg: ModuleType, keep: bool, code: Path = REPO) -> dict:
    """Build and score one set; the result says `skipped` or `failed` when it could not."""
    gold_dir = SETS / name / "gold"
    raw = texts / name / "raw"
    if not raw.is_dir() or not any(raw.iterdir()):
        return {"set": name, "skipped": f"no texts at {raw}"}
    workdir = Path(tempfile.mkdtemp(prefix=f"rescore_{name}_"))
    warehouse, tail = build(raw, workdir, code)
    if warehouse is None:
        return {"set": name, "failed": tail, "workdir": str(workdir)}
    facts, overview = sg.load_warehouse(warehouse)
    res = sg.score(gold_dir, facts, overview)
    misses = {f: r["misses"] + r["meta_wrong"] for f, r in res["files"].items() if r["misses"] or r["meta_wrong"]}
    out = {"set": name, "files": len(res["files"]), "summary": res["summary"],
           "shares": shares(sg, gold_dir, facts), "misses": misses}
    if keep:
        out["warehouse"] = str(warehouse)
    else:
        subprocess.run(["rm", "-rf", str(workdir)], check=False)
    return out


def row(r: dict) -> str:
    """One printed line per set."""
    if "skipped" in r:
        return f"{r['set']:<14} skipped: {r['skipped']}"
    if "failed" in r:
        return f"{r['set']:<14} build failed (kept in {r['workdir']}):\n{r['failed']}"
    s, sh = r["summary"], r["shares"]
    f = s["fact"]
    return (f"{r['set']:<14} {r['files']:>5} {f['f1']:>6.3f} {f['precision']:>6.3f} {f['recall']:>6.3f} "
            f"{s['mention']['f1']:>6.3f} {s['qualifier_accuracy']:>6.3f} {s['metadata_accuracy']:>6.3f} "
            f"{s['sections_accuracy']:>6.3f} {sh['unclassified_share']:>7.3f} {sh['wrong_class_share']:>7.3f}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--texts", default="/work/blind", help="folder holding <set>/raw/ for each set")
    ap.add_argument("--set", action="append", dest="sets", metavar="NAME", help="only this set (repeatable)")
    ap.add_argument("--json", action="store_true", help="print the results as JSON")
    ap.add_argument("--keep", action="store_true", help="keep each built warehouse and print where")
    ap.add_argument("--code", default=str(REPO),
                    help="checkout whose pipeline builds the warehouses (default: this repo's working tree)")
    a = ap.parse_args()

    names = sorted(p.name for p in SETS.iterdir() if (p / "gold").is_dir()) if SETS.is_dir() else []
    if a.sets:
        unknown = sorted(set(a.sets) - set(names))
        if unknown:
            print(f"rescore: no gold for {', '.join(unknown)} under {SETS}", file=sys.stderr)
            return 2
        names = [n for n in names if n in a.sets]
    sg = load_scorer()
    results = []
    for name in names:
        if not a.json:
            print(f"building {name} …", file=sys.stderr)
        results.append(rescore(name, Path(a.texts), sg, a.keep, Path(a.code)))
    if a.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        print(f"{'set':<14} {'files':>5} {'F1':>6} {'P':>6} {'R':>6} {'ment.':>6} {'qual.':>6} {'meta':>6} "
              f"{'sect.':>6} {'unclass':>7} {'wrong':>7}")
        for r in results:
            print(row(r))
    if any("failed" in r for r in results):
        return 1
    return 0 if any("summary" in r for r in results) else 2


if __name__ == "__main__":
    sys.exit(main())
