"""Results of a benchmark run: one row per figure, the summary printed, and RESULTS.md.

Every row may carry the naive way's figure (same unit, same run) and an issue's goal;
the ratio is naive / ours, so "×3.0" means the naive way takes three times as long (or weighs
three times as much) and "×0.5" half as long.
"""

import os
import platform
import subprocess
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS_PATH = Path(__file__).resolve().parent / "RESULTS.md"
LABEL_WIDTH = 60  # the summary's label column
DECIMALS = {"s": 2, "ms": 0, "MB": 1, "KB": 0, "B": 0, "%": 1, "": 0}


@dataclass
class Goal:
    limit: float  # the figure must stay under this, in the row's unit
    issue: int


@dataclass
class Row:
    section: str
    label: str
    value: float | None           # None: not measured (see note)
    unit: str
    naive: float | None = None    # the naive way, same unit
    goal: Goal | None = None
    note: str = ""

    @property
    def ratio(self) -> float | None:
        if self.naive is None or not self.value:
            return None
        return self.naive / self.value

    @property
    def met(self) -> bool | None:
        if self.goal is None or self.value is None:
            return None
        return self.value < self.goal.limit


def number(value: float | None, unit: str) -> str:
    if value is None:
        return "—"
    return f"{value:,.{DECIMALS.get(unit, 2)}f} {unit}".strip()


def ratio_text(row: Row) -> str:
    return "" if row.ratio is None else f"×{row.ratio:,.1f}"


def goal_text(row: Row) -> str:
    """'< 300 ms: met' or '< 300 ms: missed by 45 ms (+15 %)'."""
    if row.goal is None:
        return ""
    limit = f"< {number(row.goal.limit, row.unit)}"
    if row.met is None:
        return f"{limit}: not measured"
    if row.met:
        return f"{limit}: met"
    over = row.value - row.goal.limit
    return f"{limit}: MISSED by {number(over, row.unit)} (+{over / row.goal.limit:.0%})"


# -- the machine -------------------------------------------------------------------------------

def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown CPU"


def git_commit() -> str:
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT,
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return "unknown"
    return out.stdout.strip() or "unknown"


def git_dirty() -> bool:
    """True when the working tree differs from the commit (figures then describe local edits)."""
    try:
        out = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                             capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return bool(out.stdout.strip())


def machine() -> dict:
    return {"cpu": cpu_model(), "cores": os.cpu_count(), "python": platform.python_version(),
            "date": datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            "commit": git_commit() + (" (with uncommitted changes)" if git_dirty() else ""),
            "load": " / ".join(f"{x:.2f}" for x in os.getloadavg())}


# -- printed summary -------------------------------------------------------------------------

def summary_lines(rows: list[Row]) -> list[str]:
    lines = []
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            lines.append(f"\n== {section}")
            lines.append(f"{'':<{LABEL_WIDTH}} {'ours':>11} {'naive':>11} {'ratio':>7}  goal")
        lines.append(f"{row.label:<{LABEL_WIDTH}.{LABEL_WIDTH}} {number(row.value, row.unit):>11} "
                     f"{number(row.naive, row.unit) if row.naive is not None else '':>11} "
                     f"{ratio_text(row):>7}  {goal_text(row)}")
        if row.note:
            lines.append(f"{'':<4}{row.note}")
    return lines


def goal_lines(rows: list[Row], causes: dict[str, str]) -> list[str]:
    """How many goals are met, and each one missed with by how much and why."""
    judged = [row for row in rows if row.goal is not None]
    missed = [row for row in judged if row.met is False]
    lines = [f"goals: {sum(1 for r in judged if r.met)} met, {len(missed)} missed, "
             f"{sum(1 for r in judged if r.met is None)} not measured (of {len(judged)})"]
    for row in missed:
        lines.append(f"  missed (issue {row.goal.issue}): {row.label}: {goal_text(row)}")
        if row.label in causes:
            lines.append(f"    why: {causes[row.label]}")
    return lines


# -- RESULTS.md -------------------------------------------------------------------------------

def _cell(text: str) -> str:
    return text.replace("|", "\\|")


def markdown(rows: list[Row], info: dict, elapsed: float, naive_ways: list[str],
             causes: dict[str, str]) -> str:
    """RESULTS.md: the machine, every figure with its naive ratio, the goals met or missed."""
    out = ["# Benchmark results", "",
           "Written by `python -m benchmarks` (`make bench`); every figure below comes from "
           "one run on the machine described here.", "",
           f"- CPU: {info['cpu']}, {info['cores']} cores",
           f"- Date: {info['date']}",
           f"- Commit: {info['commit']}",
           f"- Python {info['python']}; load average (1/5/15 min) at start {info['load']}, "
           f"at the end {info.get('load_end', '?')} (other work on the machine inflates "
           "the timings)",
           f"- Whole run: {elapsed:.0f} s", "",
           "Naive ways, measured in the same run (ratio = naive / ours: above 1 the naive way "
           "is slower or bigger, below 1 it is faster or smaller):", ""]
    out += [f"- {way}" for way in naive_ways]
    section = None
    for row in rows:
        if row.section != section:
            section = row.section
            out += ["", f"## {section}", "",
                    "| measure | ours | naive | ratio | goal |", "|---|---:|---:|---:|---|"]
        label = row.label + (f" — {row.note}" if row.note else "")
        naive = number(row.naive, row.unit) if row.naive is not None else ""
        out.append(f"| {_cell(label)} | {number(row.value, row.unit)} | {naive} | "
                   f"{ratio_text(row)} | {_cell(goal_text(row))} |")
    out += ["", "## Goals of the issues", ""]
    for row in rows:
        if row.goal is None:
            continue
        mark = {True: "met", False: "**missed**", None: "not measured"}[row.met]
        line = f"- issue {row.goal.issue}, {row.label}: {number(row.value, row.unit)}, " \
               f"{goal_text(row).split(': ', 1)[1] if row.met is False else mark}"
        if row.met is False and row.label in causes:
            line += f". Why: {causes[row.label]}"
        out.append(line)
    return "\n".join(out) + "\n"


def write_results(text: str, path: Path = RESULTS_PATH) -> Path:
    path.write_text(text, encoding="utf-8")
    return path
