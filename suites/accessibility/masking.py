"""Known secrets hidden in the page while a screenshot is taken, and put back afterwards.

A page may show a secret golive sent (a debug page echoing the Authorization header, a form that prefills an API
key). The text files golive writes are redacted, but a screenshot is pixels: so before the capture every text
node, attribute value and form field value holding a secret has it replaced by the mask, and after it the page
is restored (a journey goes on in the same tab). What cannot be masked this way: a secret split across elements,
drawn in a canvas or an image, or shown inside a frame from another origin.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from harness.redaction import MASK
from suites.accessibility.scripts import script

if TYPE_CHECKING:
    from playwright.async_api import Page

_CHANGES_KEY = "__golive_masked"


async def mask_secrets(page: Page, secrets: tuple[str, ...]) -> int:
    """Replace every secret shown in the page with the mask; return how many values changed.

    `secrets` longest first, so a secret that contains another is masked whole. Raises Playwright's Error if
    the page cannot be reached: the caller then takes no screenshot rather than one with a secret in it.
    """
    if not secrets:
        return 0
    changed = await page.evaluate(script("mask_secrets"), [list(secrets), MASK, _CHANGES_KEY])
    return int(changed)


async def unmask_secrets(page: Page) -> None:
    """Put back what `mask_secrets` changed."""
    await page.evaluate(script("unmask_secrets"), _CHANGES_KEY)
