"""Run every benchmark script in this folder; each writes its own section of docs/benchmarks.md."""

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

if __name__ == "__main__":
    failed = []
    for script in sorted(HERE.glob("*.py")):
        if script.name in {"run.py"} or script.name.startswith("_"):
            continue
        print(f"== {script.name}", flush=True)
        if subprocess.call([sys.executable, str(script)], cwd=HERE.parent) != 0:
            failed.append(script.name)
    if failed:
        print(f"Benchmarks that failed: {', '.join(failed)}", file=sys.stderr)
        sys.exit(1)
    print("Results in docs/benchmarks.md")
