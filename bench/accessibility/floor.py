"""The least work any axe-core-in-Chromium audit can do: the benchmark's floor, timed like the tools it compares.

It launches Chromium, injects axe with an init script into one context, keeps `--concurrency` tabs open and,
for each URL, navigates and runs axe with the same tags, asking back only the violations' rule ids and element
counts. No evidence, no checks, no files, no report: whatever a real tool adds costs more than this.

    .venv/bin/python -m bench.accessibility.floor --chromium /usr/lib/chromium/chromium --concurrency 2 URL...

It prints one JSON object: violation nodes per rule, and the seconds spent before the first page (start-up).
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from collections import Counter
from collections.abc import Sequence
from typing import TYPE_CHECKING

from suites.accessibility.axe_script import locate_axe_script
from suites.accessibility.browser import LAUNCH_ARGS

if TYPE_CHECKING:
    from playwright.async_api import BrowserContext

TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
RUN_AXE_JS = """async (tags) => {
  const result = await axe.run(document, { runOnly: { type: 'tag', values: tags }, resultTypes: ['violations'] });
  return result.violations.map((rule) => [rule.id, rule.nodes.length]);
}"""


async def audit_all(context: BrowserContext, urls: list[str], concurrency: int) -> Counter[str]:
    """Audit `urls` with `concurrency` reused tabs; return violation nodes per rule."""
    queue = list(reversed(urls))
    found: Counter[str] = Counter()

    async def worker() -> None:
        page = await context.new_page()
        while queue:
            await page.goto(queue.pop())
            for rule, nodes in await page.evaluate(RUN_AXE_JS, TAGS):
                found[str(rule)] += int(nodes)

    await asyncio.gather(*(worker() for _ in range(concurrency)))
    return found


async def floor(chromium: str, urls: list[str], concurrency: int) -> dict[str, object]:
    """Run the minimal audit; return what it found and how long start-up took."""
    from playwright.async_api import async_playwright

    started = time.monotonic()
    axe = locate_axe_script(None)
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=chromium, headless=True, args=list(LAUNCH_ARGS))
        context = await browser.new_context(viewport={"width": 1280, "height": 720})
        await context.add_init_script(path=axe.path)
        startup_s = time.monotonic() - started
        found = await audit_all(context, urls, concurrency)
        await browser.close()
    return {"violations": dict(found), "startup_s": round(startup_s, 2)}


def main(argv: Sequence[str] | None = None) -> int:
    """Parse the command line, audit, print the JSON summary."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--chromium", required=True)
    parser.add_argument("--concurrency", type=int, default=2)
    parser.add_argument("urls", nargs="+")
    args = parser.parse_args(argv)
    print(json.dumps(asyncio.run(floor(args.chromium, args.urls, args.concurrency))))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
