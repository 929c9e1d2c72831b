"""The known-good corpus: every visible component example of GOV.UK Frontend, served as pages on 127.0.0.1.

The npm package `govuk-frontend` ships each component's examples as rendered HTML in its `fixtures.json`. Each
example becomes a page that loads the package's own CSS and JavaScript, as a service built with it would. The
package is fetched once with `npm pack` and kept in the user's cache folder (outside the repository); without
npm or the registry the corpus is unavailable and `corpus_missing` says why.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from tests.support import LocalServer, Route, serve

PACKAGE = "govuk-frontend"
VERSION = "6.6.0"
NPM_TIMEOUT_S = 120
_CONTENT_TYPES = {
    ".css": "text/css",
    ".js": "text/javascript",
    ".mjs": "text/javascript",
    ".svg": "image/svg+xml",
    ".png": "image/png",
    ".ico": "image/x-icon",
    ".woff": "font/woff",
    ".woff2": "font/woff2",
    ".json": "application/json",
}
# What the GOV.UK page template does before any component script runs: it marks the body as having JavaScript,
# which many components' styles depend on (the accordion's buttons exist only then).
_PAGE = """<!DOCTYPE html>
<html lang="en" class="govuk-template">
<head><meta charset="utf-8"><title>{title}</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/govuk-frontend.min.css"></head>
<body class="govuk-template__body">
<script>document.body.className += ' js-enabled'
  + ('noModule' in HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');</script>
<div class="govuk-width-container"><main class="govuk-main-wrapper" id="main-content">
{body}
</main></div>
<script type="module">import {{ initAll }} from '/govuk-frontend.min.js'; initAll();</script>
</body></html>
"""


@dataclass(frozen=True)
class Example:
    """One component example: the path it is served at and its rendered HTML."""

    component: str
    name: str
    html: str

    @property
    def path(self) -> str:
        """Where the corpus server serves this example, e.g. ``/components/accordion/default``."""
        slug = re.sub(r"[^a-z0-9]+", "-", self.name.lower()).strip("-") or "example"
        return f"/components/{self.component}/{slug}"


def cache_folder() -> Path:
    """Where the unpacked package is kept between runs (``$XDG_CACHE_HOME/golive`` or ``~/.cache/golive``)."""
    root = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(root) / "golive" / f"{PACKAGE}-{VERSION}"


def package_dir() -> Path:
    """The unpacked package (its `dist/govuk` folder), fetched with `npm pack` on first use.

    Raises RuntimeError with the reason when npm is missing or the registry cannot be reached.
    """
    folder = cache_folder()
    dist = folder / "package" / "dist" / "govuk"
    if (dist / "govuk-frontend.min.css").is_file():
        return dist
    npm = shutil.which("npm")
    if npm is None:
        raise RuntimeError("npm is not installed, so the GOV.UK Frontend corpus cannot be fetched")
    with tempfile.TemporaryDirectory(prefix="golive-govuk-") as scratch:
        try:
            completed = subprocess.run(
                [npm, "pack", f"{PACKAGE}@{VERSION}", "--pack-destination", scratch],
                capture_output=True,
                text=True,
                timeout=NPM_TIMEOUT_S,
            )
        except subprocess.TimeoutExpired:
            raise RuntimeError(f"npm pack {PACKAGE}@{VERSION} did not finish within {NPM_TIMEOUT_S}s") from None
        tarballs = list(Path(scratch).glob("*.tgz"))
        if completed.returncode != 0 or not tarballs:
            tail = (completed.stderr or completed.stdout).strip().splitlines()[-1:] or ["no tarball"]
            raise RuntimeError(f"npm pack {PACKAGE}@{VERSION} failed: {tail[0]}")
        unpacking = Path(tempfile.mkdtemp(prefix="unpacking-", dir=_ensure(folder.parent)))
        with tarfile.open(tarballs[0]) as archive:
            archive.extractall(unpacking, filter="data")
        shutil.rmtree(folder, ignore_errors=True)
        unpacking.rename(folder)  # atomic: a half-unpacked package is never taken for a whole one
    return dist


def _ensure(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def corpus_missing() -> str | None:
    """Why the corpus cannot be built here, or None when it can."""
    try:
        package_dir()
    except (RuntimeError, OSError) as error:
        return str(error)
    return None


def examples(dist: Path) -> list[Example]:
    """Every example the package does not mark hidden, in a stable order (component, then fixture order)."""
    found: list[Example] = []
    for fixtures in sorted((dist / "components").glob("*/fixtures.json")):
        data = json.loads(fixtures.read_text(encoding="utf-8"))
        for fixture in data["fixtures"]:
            if fixture.get("hidden"):
                continue
            found.append(Example(fixtures.parent.name, str(fixture["name"]), str(fixture["html"])))
    paths = [example.path for example in found]
    if len(set(paths)) != len(paths):
        raise RuntimeError("two GOV.UK Frontend examples map to the same path")
    return found


def page_html(example: Example) -> str:
    """The example wrapped in a page that loads the package's CSS and JavaScript."""
    title = html.escape(f"{example.component}: {example.name}")
    return _PAGE.format(title=title, body=example.html)


def routes(dist: Path, chosen: list[Example]) -> dict[str, Route]:
    """The corpus site: one page per example, an index linking to them all, and the package's assets."""
    table: dict[str, Route] = {example.path: Route(page_html(example)) for example in chosen}
    links = "".join(f'<li><a href="{example.path}">{html.escape(example.path)}</a></li>' for example in chosen)
    table["/"] = Route(page_html(Example("index", "index", f'<ul class="govuk-list">{links}</ul>')))
    assets = [dist / "govuk-frontend.min.css", dist / "govuk-frontend.min.js", *(dist / "assets").rglob("*")]
    for asset in assets:
        if asset.is_file():
            kind = _CONTENT_TYPES.get(asset.suffix, "application/octet-stream")
            table["/" + asset.relative_to(dist).as_posix()] = Route(asset.read_bytes(), headers={"Content-Type": kind})
    return table


@contextmanager
def serve_corpus(chosen: list[Example] | None = None) -> Iterator[tuple[LocalServer, list[Example]]]:
    """Serve the corpus (all examples, or `chosen`) on a free loopback port; yields the server and the examples."""
    dist = package_dir()
    everything = examples(dist) if chosen is None else chosen
    with serve(routes(dist, everything)) as server:
        yield server, everything


def sample(everything: list[Example], count: int) -> list[Example]:
    """A fixed, evenly spread selection of `count` examples: the same on every run, every component touched."""
    if count >= len(everything):
        return list(everything)
    step = len(everything) / count
    return [everything[int(index * step)] for index in range(count)]


if __name__ == "__main__":
    # Serve the corpus until interrupted, to audit it by hand: python -m tests.accessibility.govuk
    with serve_corpus() as (server, served):
        print(f"{len(served)} GOV.UK Frontend {VERSION} examples at {server.url}/ (Ctrl-C to stop)", flush=True)
        try:
            import time

            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass
