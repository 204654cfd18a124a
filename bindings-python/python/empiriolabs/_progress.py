"""Progress bars for job waits: tqdm (tqdm.auto in notebooks) when installed, else a plain
bar on stderr."""

from __future__ import annotations

import sys
from typing import Any, Callable


class _StderrBar:
    def __init__(self, desc: str):
        self.desc = desc
        self.last = -1

    def update(self, fraction: float) -> None:
        pct = int(fraction * 100)
        if pct != self.last:
            self.last = pct
            filled = pct // 4
            sys.stderr.write(f"\r{self.desc} [{'#' * filled}{'.' * (25 - filled)}] {pct:3d}%")
            sys.stderr.flush()

    def close(self) -> None:
        sys.stderr.write("\n")
        sys.stderr.flush()


class _TqdmBar:
    def __init__(self, tqdm: Any, desc: str):
        self.bar = tqdm(total=100, desc=desc, unit="%")

    def update(self, fraction: float) -> None:
        self.bar.update(max(0, int(fraction * 100) - self.bar.n))

    def close(self) -> None:
        self.bar.close()


def progress_bar(desc: str) -> tuple[Callable[[dict], None], Callable[[bool], None]]:
    """`(on_progress, close)` for a bar titled `desc`."""
    try:
        from tqdm.auto import tqdm

        bar: Any = _TqdmBar(tqdm, desc)
    except ImportError:
        bar = _StderrBar(desc)

    def on_progress(state: dict) -> None:
        bar.update(float(state.get("progress") or 0.0))

    def close(done: bool) -> None:
        if done:
            bar.update(1.0)
        bar.close()

    return on_progress, close
