"""Words for reports that every suite needs: plurals, truncation, and "rule xN on page, +N more" summaries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable


def plural(count: int, word: str, many: str | None = None) -> str:
    """``plural(1, "page")`` → ``"1 page"``; ``plural(3, "page")`` → ``"3 pages"``; `many` for irregular words."""
    return f"{count} {word if count == 1 else (many or word + 's')}"


def truncate(text: str, limit: int, marker: str = "…") -> str:
    """`text` cut to at most `limit` characters, ending in `marker` when anything was left out."""
    if len(text) <= limit:
        return text
    return text[: max(0, limit - len(marker))] + marker


def count_summary(labels: Iterable[str], limit: int = 4, more: str = "more") -> str:
    """The most common labels with their counts: ``"image-alt x3 on /, label on /start, +2 more"``."""
    counts = Counter(labels)
    shown = [f"{label} x{count}" if count > 1 else label for label, count in counts.most_common(limit)]
    hidden = len(counts) - len(shown)
    return ", ".join(shown) + (f", +{hidden} {more}" if hidden > 0 else "")
