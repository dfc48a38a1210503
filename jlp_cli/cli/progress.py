"""Progress of a long build, on stderr, at a terminal only.

A big book takes tens of seconds to compile the first time; silence would
look like a hang. Nothing is shown for a build that ends within a second,
and never when stderr is not a terminal (a script's log stays clean).
"""

from __future__ import annotations

import time

#: Seconds before the first line, and between two updates.
DELAY = 1.0
INTERVAL = 0.25


class BuildProgress:
    """``progress(bytes_read, bytes_total, facts_read)``, as the reader calls it."""

    def __init__(self, stream, label: str):
        self.stream = stream
        self.label = label
        self.started = time.monotonic()
        self.shown = False
        self.last = 0.0

    @classmethod
    def for_stream(cls, stream, facts_path) -> "BuildProgress | None":
        try:
            if stream is None or not stream.isatty():
                return None
        except (AttributeError, ValueError, OSError):
            return None
        from ..book.source import shown
        from ..render.sanitize import for_terminal

        return cls(stream, for_terminal(shown(facts_path), single_line=True))

    def __call__(self, bytes_read: int, bytes_total: int | None, facts_read: int) -> None:
        now = time.monotonic()
        elapsed = now - self.started
        if elapsed < DELAY or now - self.last < INTERVAL:
            return
        self.last = now
        rate = facts_read / elapsed if elapsed > 0 else 0.0
        line = f"jlp: compiling {self.label}: {facts_read:,} facts read, {rate:,.0f} facts/s"
        if bytes_total:
            share = min(bytes_read / bytes_total, 1.0)
            line += f", {share:.0%}"
            if share > 0.02:
                left = elapsed * (1 - share) / share
                line += f", about {left:.0f} s left"
        self._write("\r\x1b[K" + line)
        self.shown = True

    def done(self) -> None:
        if self.shown:
            self._write("\r\x1b[K")
            self.shown = False

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):
            pass
