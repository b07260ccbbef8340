"""Export timings: one image cold and warm, the naive way (a browser per image), the batch.

    python -m benchmarks.export          # prints the figures as JSON

Run in a process of its own so that "cold" is what a user meets: the first export of a
process pays for importing kaleido and starting Chromium; the next ones reuse the session.
The naive images are made after the session is stopped, so each starts its own browser.
The batch is `python -m dashboard export --all-regions` run as a user would run it.
"""

import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WARM_REPEAT = 3
NAIVE_REPEAT = 2
SCREEN = (1400, 1000)  # dashboard.export.SIZES["screen"], the naive images' size


def _seconds(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def single_images() -> dict:
    """Seconds of one screen PNG cold and warm, an A4 300 dpi PNG warm, and the naive way."""
    from dashboard import export
    from dashboard.figures import map_figure
    from dashboard.state import FilterState
    from geodata.members import sample_members

    from .naive import naive_image

    members = sample_members()
    national = map_figure(members, FilterState())
    region = map_figure(members, FilterState(region="32"))
    out = {"cold_s": _seconds(lambda: export.export_map(national, "png", "screen"))}
    out["warm_s"] = statistics.median(
        _seconds(lambda fig=fig: export.export_map(fig, "png", "screen"))
        for fig in [national, region] * WARM_REPEAT)
    out["warm_a4_s"] = _seconds(lambda: export.export_map(national, "png", "a4"))
    export.renderer.stop()
    out["naive_s"] = statistics.median(
        _seconds(lambda: naive_image(national, "png", *SCREEN)) for _ in range(NAIVE_REPEAT))
    return out


def batch() -> dict:
    """Seconds and images of `python -m dashboard export --all-regions` (A4 PNG, 300 dpi)."""
    with tempfile.TemporaryDirectory() as folder:
        started = time.perf_counter()
        done = subprocess.run([sys.executable, "-m", "dashboard", "export", "--all-regions",
                               folder], cwd=ROOT, capture_output=True, text=True, timeout=300)
        seconds = time.perf_counter() - started
        if done.returncode != 0:
            raise RuntimeError(f"--all-regions failed: {done.stderr.strip()[-500:]}")
        images = len(list(Path(folder).iterdir()))
    return {"batch_s": seconds, "batch_images": images}


def measure() -> dict:
    """Every export figure, each export run in a fresh process (see the module docstring)."""
    done = subprocess.run([sys.executable, "-m", "benchmarks.export"], cwd=ROOT,
                          capture_output=True, text=True, timeout=300)
    if done.returncode != 0:
        raise RuntimeError(f"export benchmark failed: {done.stderr.strip()[-800:]}")
    return {**json.loads(done.stdout.strip().splitlines()[-1]), **batch()}


if __name__ == "__main__":
    print(json.dumps(single_images()))
