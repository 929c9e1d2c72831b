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


# One page per axe rule the suite is relied on to catch, each failing that rule and nothing else. Keys are axe
# rule ids; the tests assert that exactly these rules are found, one per page.
def _doc(title: str, body: str, head: str = "") -> str:
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{title}</title>{head}</head>"
        f"<body><main><h1>{title}</h1>{body}</main></body></html>"
    )


ONE_RULE_EACH: dict[str, str] = {
    "image-alt": IMAGE_WITHOUT_ALT,
    "html-has-lang": NO_LANG,
    "html-lang-valid": document("Bad language", "<p>Text.</p>", lang="xx-nonsense"),
    "document-title": (
        "<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'></head>"
        "<body><main><h1>No title</h1></main></body></html>"
    ),
    "label": _doc("Unlabelled", "<form><input type='text' name='q'></form>"),
    "button-name": _doc("Empty button", "<button type='button'></button>"),
    "link-name": _doc("Empty link", "<a href='/clean'></a>"),
    "color-contrast": _doc("Contrast", "<p style='color:#bbb;background:#fff'>Pale text</p>"),
    "aria-required-attr": _doc("Slider", "<div role='slider' tabindex='0' aria-label='Volume'>|</div>"),
    "aria-valid-attr": _doc("Bad ARIA", "<p aria-labelled='x'>Text</p>"),
    "aria-roles": _doc("Bad role", "<div role='wizard'>Text</div>"),
    "list": _doc("List", "<ul><p>Not an item</p></ul>"),
    "listitem": _doc("Item", "<li>Orphan item</li>"),
    "frame-title": _doc("Frame", "<iframe src='/clean'></iframe>"),
    "input-image-alt": _doc("Image button", "<form><input type='image' src='/go.png'></form>"),
    "select-name": _doc("Select", "<select><option>One</option></select>"),
    "meta-viewport": _doc(
        "No zoom", "<p>Text.</p>", head="<meta name='viewport' content='width=device-width, user-scalable=no'>"
    ),
    "aria-allowed-attr": _doc("Misused ARIA", "<p><a href='/clean' aria-checked='true'>Home</a></p>"),
    "aria-hidden-focus": _doc("Hidden focus", "<div aria-hidden='true'><a href='/clean'>Hidden link</a></div>"),
    "nested-interactive": _doc(
        "Nested",
        "<div role='button' tabindex='0' aria-label='Row' style='padding:24px'>"
        "<button type='button' style='padding:12px'>Save</button></div>",
    ),
    "role-img-alt": _doc("Role img", "<div role='img'>*</div>"),
    "svg-img-alt": _doc("SVG", "<svg role='img' width='10' height='10'><rect width='10' height='10'/></svg>"),
    "valid-lang": _doc("Valid lang", "<p lang='zz-bogus'>Texte</p>"),
    "autocomplete-valid": _doc(
        "Autocomplete", "<form><label>Email <input type='text' autocomplete='nonsense-value'></label></form>"
    ),
    "target-size": _doc(
        "Small targets",
        "<p><button type='button' style='width:10px;height:10px;padding:0;border:0'>a</button>"
        "<button type='button' style='width:10px;height:10px;padding:0;border:0'>b</button></p>",
    ),
    "td-headers-attr": _doc(
        "Table",
        "<table><tr><th id='h'>Head</th></tr><tr><td headers='missing'>Cell</td></tr></table>",
    ),
}

# A page that shows an image without alt text only when it is loaded in a hidden tab (one behind another in its
# window): a hidden page is not what users see, so an audit that loads it there reports what is not really there.
SHOWS_A_FAULT_WHEN_HIDDEN = document(
    "Seen",
    "<p>Seen by a user.</p><script>"
    "const fault = () => { if (document.visibilityState !== 'visible') document.querySelector('main')"
    ".insertAdjacentHTML('beforeend', \"<img src='/hidden.png' width='10' height='10'>\"); };"
    "fault(); addEventListener('load', fault);</script>",
)
# A long page whose only problem (an image without alt text) sits far below the first screenful.
TALL_WITH_A_FAULT_DOWN_BELOW = document(
    "Tall",
    "<div style='height:3000px'>Scroll down</div><img src='/deep.png' width='10' height='10'>"
    "<div style='height:2000px'>The end</div>",
)
