"""A page that echoes a secret golive sent is screenshotted with the secret masked (real Chromium), and the page
is put back afterwards."""

from __future__ import annotations

import asyncio
import os
from typing import Any

import pytest

from harness.browser import choose_executable, launch_chromium_async
from harness.redaction import MASK
from suites.accessibility.evidence import outlined_screenshot
from suites.accessibility.masking import mask_secrets, unmask_secrets
from tests.accessibility.running import chromium_missing
from tests.auth.app import _page
from tests.secrets.app import ECHO_TITLE, echo_body
from tests.support import Route, serve

pytestmark = [
    pytest.mark.integration,
    pytest.mark.skipif(chromium_missing() is not None, reason=str(chromium_missing())),
]

BEARER = "Bearer cnry-Bearer-Lk40"
API_KEY = "cnry-Key+5/zz81<"
COOKIES = "prefs=cnry-Cookie.Qm27; sessionid=cnry-Session-Zx99"
SECRETS = ("Bearer cnry-Bearer-Lk40", "cnry-Key+5/zz81<", "cnry-Session-Zx99", "cnry-Cookie.Qm27")
VIOLATIONS = [{"id": "image-alt", "nodes": [{"target": ["img"]}]}]
# Everything a screenshot can show as text: rendered text, every attribute value, every field's current value.
SHOWN_JS = """() => {
  const attributes = Array.from(document.querySelectorAll('*'))
    .flatMap((el) => Array.from(el.attributes).map((a) => a.value));
  const fields = Array.from(document.querySelectorAll('input, textarea')).map((el) => el.value);
  return [document.body.innerText, ...attributes, ...fields].join('\\n');
}"""


def _echo_page(authorization: str, api_key: str, cookies: str) -> str:
    return _page(ECHO_TITLE, echo_body(authorization, api_key, cookies))


def _masked_page() -> str:
    masked = COOKIES.replace("cnry-Cookie.Qm27", MASK).replace("cnry-Session-Zx99", MASK)
    return _echo_page(MASK, MASK, masked)


async def _in_chromium(url: str, work: Any) -> Any:
    from playwright.async_api import async_playwright

    async with async_playwright() as playwright:
        browser = await launch_chromium_async(
            playwright, choose_executable(os.environ.get("GOLIVE_TEST_CHROMIUM", ""), None)
        )
        try:
            page = await browser.new_page(viewport={"width": 800, "height": 600})
            return await work(page, url)
        finally:
            await browser.close()


def test_masking_hides_every_secret_the_page_shows_and_puts_it_back() -> None:
    routes = {"/echo/": Route(_echo_page(BEARER, API_KEY, COOKIES)), "/app.css": Route("", 404)}

    async def work(page: Any, url: str) -> tuple[str, int, str, str]:
        await page.goto(url + "/echo/")
        await page.fill("#copy", f"typed {API_KEY}")  # a field's current value, apart from its attribute
        before = await page.evaluate(SHOWN_JS)
        changed = await mask_secrets(page, SECRETS)
        during = await page.evaluate(SHOWN_JS)
        await unmask_secrets(page)
        return before, changed, during, await page.evaluate(SHOWN_JS)

    with serve(routes) as local:
        before, changed, during, after = asyncio.run(_in_chromium(local.url, work))
    assert all(secret in before for secret in SECRETS)
    assert changed >= 5  # three text nodes, the title attribute, the field's value
    assert not any(secret in during for secret in SECRETS), during
    assert f"Authorization: {MASK}" in during and f"typed {MASK}" in during
    assert after == before


def test_the_screenshot_of_an_echoing_page_is_the_screenshot_of_the_page_with_masks() -> None:
    routes = {
        "/echo/": Route(_echo_page(BEARER, API_KEY, COOKIES)),
        "/masked/": Route(_masked_page()),
        "/app.css": Route("", 404),
    }

    async def work(page: Any, url: str) -> tuple[bytes | None, bytes | None, bytes | None, str]:
        await page.goto(url + "/echo/")
        echoed = await outlined_screenshot(page, VIOLATIONS, SECRETS)
        unmasked = await outlined_screenshot(page, VIOLATIONS)
        shown_after = await page.evaluate(SHOWN_JS)
        await page.goto(url + "/masked/")
        return echoed, unmasked, await outlined_screenshot(page, VIOLATIONS), shown_after

    with serve(routes) as local:
        echoed, unmasked, masked, shown_after = asyncio.run(_in_chromium(local.url, work))
    assert echoed is not None and masked is not None and unmasked is not None
    # Pixel for pixel what a page showing the mask in place of each secret looks like.
    assert echoed == masked
    assert unmasked != masked  # the comparison can tell: without masking the secret is drawn
    assert all(secret in shown_after for secret in SECRETS)  # the tab is left as it was, for a journey
