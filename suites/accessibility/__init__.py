"""The accessibility suite: axe-core audits of the target's pages in a real Chromium.

Its parts: `settings` (the `[accessibility]` config), `browser` (find and launch Chromium), `axe_script` (which
axe-core to inject), `audit` (one page), `gather` (all pages, saved as artifacts), `evaluate` (pure judging of
the artifacts) and `suite` (the registered suite).
"""
