"""What every benchmark script shares: running a stage in its own process (so its peak memory is its own),
cold and warm timings, the machine line, and replacing the script's own section of docs/benchmarks.md (read
right before writing, since each script writes its own section of the file)."""

import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "benchmarks.md"
ENGLAND = ROOT / "var" / "bench" / "england"  # the synthetic England's Parquet, written once and reused


def england_ready(as_at: dt.date) -> None:
    """Write the synthetic England to ENGLAND unless it is there already (about 7 minutes)."""
    if (ENGLAND / "manifest.json").exists():
        return
    print(f"Writing the synthetic England to {ENGLAND} (about 7 minutes) ...", file=sys.stderr, flush=True)
    from sendreform.demo.england import write_areas

    ENGLAND.mkdir(parents=True, exist_ok=True)
    write_areas(out_dir=ENGLAND, areas=None, seed=870, as_at=as_at)


def stage_print(stage) -> None:
    """In a stage's own process: run it and print its result as JSON, with the process's CPU time and peak
    memory, for `stage_run` to read."""
    out = stage()
    usage = resource.getrusage(resource.RUSAGE_SELF)
    out["cpu_seconds"] = usage.ru_utime + usage.ru_stime
    out["peak_mb"] = usage.ru_maxrss / 1024
    print(json.dumps(out))


def stage_run(script: str, name: str) -> dict:
    """Run `script --stage name` in a new process; its result is the JSON on the last line of its output."""
    out = subprocess.run([sys.executable, script, "--stage", name], capture_output=True, text=True, cwd=ROOT,
                         check=False)
    if out.returncode != 0:
        raise SystemExit(f"stage {name} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def timed(fn, repeat: int = 3) -> tuple[dict, object]:
    """Cold (the first call, in a fresh process) and warm (the best of the rest) wall times, the CPU time of
    the best, and the last call's result."""
    walls, cpus = [], []
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        result = fn()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    best = min(range(1, repeat), key=lambda i: walls[i]) if repeat > 1 else 0
    return {"cold": walls[0], "warm": walls[best], "warm_cpu": cpus[best]}, result


def machine() -> str:
    memory = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (f"{platform.platform()}, Python {platform.python_version()}, {os.cpu_count()} CPUs, "
            f"{memory:.1f} GiB memory; run {dt.date.today().isoformat()}")


def section_write(title: str, section: str) -> None:
    """Replace the section headed `title` (up to the next "## " heading) with `section`, or append it."""
    text = DOC.read_text(encoding="utf-8") if DOC.exists() else "# Benchmarks\n\n"
    body = section.rstrip("\n") + "\n"
    if title in text:
        start = text.index(title)
        nxt = text.find("\n## ", start + len(title))
        text = text[:start] + body + ("\n" + text[nxt + 1:] if nxt != -1 else "")
    else:
        text = text.rstrip("\n") + "\n\n" + body
    DOC.write_text(text, encoding="utf-8")
