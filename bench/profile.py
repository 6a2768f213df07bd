"""Where a served app's CPU goes under load: py-spy's samples of the thread holding the interpreter's
lock, summed by part of the app (run by `python -m bench.load_bench --profile PATH`).

py-spy (the dev extras) records the Erfaring server during the load window with `--gil`: only the
thread that holds the lock is sampled, so the samples share out the one core a CPython process can
use. `--format raw` writes one line per distinct stack, root first, frames joined by ';', then a
count. A stack belongs to the listener (or the outbox worker) it runs in, wherever it is inside it;
otherwise to the innermost piece of the server it is in (waitress, the edge, Bolt's dispatch, the
ack runner, the listeners' thread pool); otherwise it is unattributed (py-spy could not read it).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

UNATTRIBUTED = "unattributed"
# Where a stack runs: the first of these a stack holds (at most one listener runs in a stack).
WORK: tuple[tuple[str, str], ...] = (
    ("lesson_command (handlers/lessons/", "/lesson listener (share, search, …)"),
    ("_vote (handlers/lessons/", "Useful / Applied click listener"),
    ("Outbox._run (bot/core/outbox.py", "outbox workers"),
    ("run_ack_function (slack_bolt/", "other listeners"),
)
# The server's pieces, innermost first wins: the edge calls Bolt, which calls the ack runner.
SERVER: tuple[tuple[str, str], ...] = (
    ("handlers/runner.py", "ack runner"),
    ("App.dispatch (slack_bolt/", "Bolt dispatch"),
    ("handlers/edge.py", "edge (signature, shape) and WSGI"),
    ("make_wsgi.<locals>.wsgi (app.py", "edge (signature, shape) and WSGI"),
    ("concurrent/futures/", "listeners' thread pool"),
    ("waitress/", "waitress"),
)
OWN_CODE = ("bot/", "handlers/", "storage/", "app.py")


@dataclass(frozen=True)
class Stack:
    frames: tuple[str, ...]
    samples: int


def read_raw(lines: Iterable[str]) -> list[Stack]:
    """py-spy's raw (collapsed) format; lines it could not have written are skipped."""
    stacks: list[Stack] = []
    for line in lines:
        stack, _, count = line.rstrip("\n").rpartition(" ")
        if stack and count.isdigit():
            stacks.append(Stack(tuple(stack.split(";")), int(count)))
    return stacks


def part_of(frames: tuple[str, ...]) -> str:
    for pattern, part in WORK:
        if any(pattern in frame for frame in frames):
            return part
    for frame in reversed(frames):
        for pattern, part in SERVER:
            if pattern in frame:
                return part
    return UNATTRIBUTED


def _short(frame: str) -> str:
    """`share (handlers/lessons/commands.py:139)` → `share:139`."""
    name, _, where = frame.partition(" (")
    return f"{name}:{where.rstrip(')').rpartition(':')[2]}"


def summary(stacks: list[Stack], cpu_ms_per_request: float | None = None, paths: int = 12) -> dict[str, Any]:
    """Share of the samples per part (and, given the server's CPU per request, what that share is
    of a request), and the heaviest call paths through the app's own code (its first four frames)."""
    total = sum(stack.samples for stack in stacks)
    parts: Counter[str] = Counter()
    own: Counter[str] = Counter()
    for stack in stacks:
        parts[part_of(stack.frames)] += stack.samples
        mine = [frame for frame in stack.frames if frame.rpartition("(")[2].startswith(OWN_CODE)]
        if mine:
            own[" > ".join(_short(frame) for frame in mine[:4])] += stack.samples
    if not total:
        return {"samples": 0, "parts": [], "paths": []}

    def share(samples: int) -> float:
        return round(100 * samples / total, 1)

    rows = []
    for part, samples in parts.most_common():
        row: dict[str, Any] = {"part": part, "share_pct": share(samples)}
        if cpu_ms_per_request is not None:
            row["ms_per_request"] = round(cpu_ms_per_request * samples / total, 2)
        rows.append(row)
    top = [{"path": path, "share_pct": share(samples)} for path, samples in own.most_common(paths)]
    return {"samples": total, "parts": rows, "paths": top}


def markdown(profile: dict[str, Any]) -> str:
    if not profile["samples"]:
        return "py-spy took no samples of the server."
    per_request = any("ms_per_request" in row for row in profile["parts"])
    rows = [
        f"Where Erfaring's server spent its CPU ({profile['samples']} py-spy samples of the thread "
        "holding the interpreter's lock):",
        "",
        "| part | share | ms of a request |" if per_request else "| part | share |",
        "|---|---:|---:|" if per_request else "|---|---:|",
    ]
    for row in profile["parts"]:
        cells = [row["part"], f"{row['share_pct']} %"]
        if per_request:
            cells.append(str(row.get("ms_per_request", "")))
        rows.append("| " + " | ".join(cells) + " |")
    rows += ["", "| heaviest paths through the app's own code | share |", "|---|---:|"]
    rows += [f"| `{row['path']}` | {row['share_pct']} % |" for row in profile["paths"]]
    return "\n".join(rows)


def py_spy() -> str | None:
    """py-spy beside this interpreter (the venv's dev extras), else on PATH."""
    beside = Path(sys.executable).parent / "py-spy"
    return str(beside) if beside.exists() else shutil.which("py-spy")


def start(pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes]:
    """Record `pid` for `seconds` without pausing it (`--nonblocking`: the app is not slowed to read
    its stacks; a stack read mid-change is counted as py-spy could read it, or not at all)."""
    binary = py_spy()
    if binary is None:
        raise RuntimeError("--profile needs py-spy: pip install -e '.[dev]'")
    command = [binary, "record", "--pid", str(pid), "--duration", str(max(1, int(seconds))), "--rate", "200"]
    command += ["--gil", "--nonblocking", "--format", "raw", "--output", str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def finish(
    recorder: subprocess.Popen[bytes], output: Path, cpu_ms_per_request: float | None
) -> dict[str, Any]:
    _, errors = recorder.communicate(timeout=120)
    if recorder.returncode != 0 or not output.exists():
        said = errors.decode("utf-8", "replace").strip().splitlines()
        raise RuntimeError(f"py-spy failed ({recorder.returncode}): {said[-1] if said else 'no output'}")
    with output.open(encoding="utf-8") as lines:
        return summary(read_raw(lines), cpu_ms_per_request)
