"""`make bench`: run every bench/bench_*.py, print one table, write results.json.

Each module has `run() -> list[dict]` returning rows {"name", "unit", "ours",
"baseline", "baseline_name", "ratio", "target"}, ratio = ours / baseline
measured side by side in the same run. `python bench/run.py NAME...` runs
only the named modules (e.g. `core`).
"""

from __future__ import annotations

import importlib.util
import json
import os
import platform
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))


def machine() -> dict:
    return {"python": platform.python_version(), "platform": platform.platform(),
            "cpus": os.cpu_count(), "processor": platform.machine(),
            "date": time.strftime("%Y-%m-%d %H:%M:%S %Z")}


def modules(names: list[str]) -> list[Path]:
    found = sorted(HERE.glob("bench_*.py"))
    if names:
        found = [path for path in found if path.stem.removeprefix("bench_") in names]
    return found


def load(path: Path):
    spec = importlib.util.spec_from_file_location(path.stem, path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def table(rows: list[dict]) -> str:
    headers = ["benchmark", "ours", "baseline", "unit", "ratio", "target"]
    lines = [[row["name"], _number(row["ours"]), _number(row["baseline"]) + " (" +
              row["baseline_name"] + ")", row["unit"], _number(row["ratio"]), row["target"]]
             for row in rows]
    widths = [max(len(str(cell)) for cell in column) for column in zip(headers, *lines)]
    out = [" | ".join(h.ljust(w) for h, w in zip(headers, widths)),
           "-+-".join("-" * w for w in widths)]
    out += [" | ".join(str(c).ljust(w) for c, w in zip(line, widths)) for line in lines]
    return "\n".join(out)


def _number(value) -> str:
    if isinstance(value, float):
        return f"{value:.3g}" if abs(value) < 100 else f"{value:,.0f}"
    return str(value)


def main(names: list[str]) -> None:
    rows = []
    for path in modules(names):
        print(f"running {path.name} ...", file=sys.stderr, flush=True)
        rows.extend(load(path).run())
    results = {"machine": machine(), "results": rows}
    (HERE / "results.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")
    print(table(rows))
    print(f"\nwritten to {HERE / 'results.json'}")


if __name__ == "__main__":
    main(sys.argv[1:])
