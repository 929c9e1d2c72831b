"""HTML pages the accessibility tests serve on 127.0.0.1, each with known axe violations (or none)."""

from __future__ import annotations


def document(title: str, body: str, *, lang: str | None = "en") -> str:
    """A small, otherwise clean HTML document: a title, a main landmark and one heading."""
    lang_attribute = f' lang="{lang}"' if lang else ""
    return (
        f"<!DOCTYPE html><html{lang_attribute}><head><meta charset='utf-8'><title>{title}</title></head>"
        f"<body><main><h1>{title}</h1>{body}</main></body></html>"
    )


CLEAN = document("Clean page", "<p>Nothing to see here.</p><a href='/clean'>Home</a>")
NO_LANG = document("No language", "<p>This page does not say which language it is in.</p>", lang=None)
IMAGE_WITHOUT_ALT = document("Picture", "<img src='/missing.png' width='10' height='10'>")
# Several impacts on one page: critical (image-alt, label), serious (color-contrast), moderate (region,
# heading-order, both enabled explicitly because they are best practices rather than WCAG rules).
MIXED = (
    "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>Mixed</title></head><body>"
    "<p>Outside any landmark.</p>"
    "<main><h1>Mixed</h1><h4>Skipped heading levels</h4>"
    "<img src='/a.png' width='10' height='10'>"
    "<p style='color:#aaa;background:#fff'>Low contrast text</p>"
    "<form><input type='text' id='q'></form>"
    "<iframe title='Embedded form' src='/frame'></iframe>"
    "</main></body></html>"
)
FRAME_WITH_IMAGE = document("Framed", "<img src='/framed.png' width='10' height='10'>")
WITH_IFRAME = document("Has an iframe", "<iframe title='Embedded' src='/frame'></iframe>")
