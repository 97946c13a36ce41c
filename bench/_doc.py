"""What every benchmark script shares: the machine line, and replacing one's own section of
docs/benchmarks.md (read right before writing, since each script writes its own section of the file)."""

import datetime as dt
import os
import platform
from pathlib import Path

DOC = Path(__file__).resolve().parents[1] / "docs" / "benchmarks.md"


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
