"""Recognising error pages that leak internals: stack traces and frameworks' debug pages.

A heuristic, so it says what it matched: every signature is a set of markers that must all appear, chosen from
what each framework's debug page prints and its production error page does not. A default framework error page
that shows no trace but names the framework (Spring's Whitelabel page, Tomcat's report) "needs review" rather than
failing. The tests hold a known-good corpus (production error pages) and a known-bad set (debug pages).
"""

from __future__ import annotations

import enum
import html
import re
from dataclasses import dataclass

SNIPPET_LIMIT = 240
_TAG = re.compile(r"<[^>]*>")
_SPACE = re.compile(r"\s+")


class Leak(enum.StrEnum):
    """What an error page gives away."""

    DEBUG = "debug"  # a stack trace or a debug page: a high finding
    REVIEW = "review"  # a framework's default page without a trace: needs a person to look
    CLEAN = "clean"


@dataclass(frozen=True)
class Signature:
    """A kind of leaky page: any one of `alternatives` matching (each a set of patterns that must all match)."""

    id: str
    framework: str
    description: str
    leak: Leak
    alternatives: tuple[tuple[str, ...], ...]

    def match(self, text: str) -> re.Match[str] | None:
        """The first pattern's match of the first alternative that matches in full, or None."""
        for patterns in self.alternatives:
            matches = [re.search(pattern, text) for pattern in patterns]
            if all(matches):
                return matches[0]
        return None


_PHP_ERROR = (
    r"(?:Fatal error|Parse error|Warning|Uncaught)\b[^\n]{0,300}? in (?:/|[A-Za-z]:\\)\S+\.php(?::| on line )\d+"
)
# Tomcat's exception report prints frames without the "at " that a logged trace has.
_JAVA_FRAME = r"(?:\bat |\s)[\w$]+(?:\.[\w$<>]+){2,}\([\w$]+\.(?:java|kt|scala):\d+\)"
_DOTNET_FRAME = r"\bat [\w.`<>]+\([^)]*\) in \S+:line \d+"
_NODE_FRAME = r"\bat (?:[\w.$<>\[\] ]+ \()?(?:/|[A-Za-z]:\\)[^\s()<]*\.[cm]?js:\d+:\d+"

SIGNATURES: tuple[Signature, ...] = (
    Signature(
        "django-debug",
        "Django",
        "Django's debug page (DEBUG = True)",
        Leak.DEBUG,
        ((r"you have\s*(?:<code>)?\s*DEBUG\s*=\s*True",), (r"Using the URLconf defined in", r"Django tried these URL")),
    ),
    Signature(
        "werkzeug-debugger",
        "Flask / Werkzeug",
        "the Werkzeug interactive debugger",
        Leak.DEBUG,
        ((r"The debugger caught an exception in your WSGI application",), (r"Werkzeug Debugger",), (r"__debugger__",)),
    ),
    Signature(
        "rails-debug",
        "Ruby on Rails",
        "Rails' development error page",
        Leak.DEBUG,
        ((r"Action Controller: Exception caught",), (r"Rails\.root:",), (r"Routing Error", r"No route matches \[")),
    ),
    Signature(
        "laravel-debug",
        "Laravel / Whoops / Ignition",
        "Laravel's debug page (APP_DEBUG=true)",
        Leak.DEBUG,
        (
            (r"Whoops! There was an error\.",),
            (r'class="Whoops container"',),
            (r"(?:facade|spatie/laravel)[-/]ignition|window\.ignite\b",),
            (r"Illuminate\\[A-Za-z\\]+Exception", r"\.php(?::| on line |\()\d+"),
        ),
    ),
    Signature(
        "aspnet-debug",
        "ASP.NET",
        "ASP.NET's detailed error page (yellow screen of death or developer exception page)",
        Leak.DEBUG,
        (
            (r"Server Error in '[^']*' Application", r"Stack Trace:"),
            (r"Server Error in '[^']*' Application", r"\[\w+Exception"),
            (r"An unhandled exception occurred while processing the request",),
        ),
    ),
    Signature(
        "spring-trace",
        "Spring Boot",
        "Spring's Whitelabel error page with a stack trace",
        Leak.DEBUG,
        ((r"Whitelabel Error Page", r"\bat (?:org\.springframework|java\.|javax\.|jakarta\.|com\.|org\.)[\w$.]+\("),),
    ),
    Signature("express-stack", "Express / Node.js", "a Node.js stack trace", Leak.DEBUG, ((_NODE_FRAME,),)),
    Signature(
        "python-traceback",
        "Python",
        "a Python traceback",
        Leak.DEBUG,
        ((r"Traceback \(most recent call last\)", r'File "[^"]+", line \d+'),),
    ),
    Signature(
        "java-stack",
        "Java",
        "a Java stack trace",
        Leak.DEBUG,
        ((_JAVA_FRAME,), (r"\bat [\w$.]+\(Native Method\)",)),
    ),
    Signature("dotnet-stack", ".NET", "a .NET stack trace", Leak.DEBUG, ((_DOTNET_FRAME,),)),
    Signature(
        "php-error",
        "PHP",
        "a PHP error with file paths",
        Leak.DEBUG,
        (
            (_PHP_ERROR,),
            (r"Stack trace:\s*#0 ",),
        ),
    ),
    Signature("ruby-stack", "Ruby", "a Ruby backtrace", Leak.DEBUG, ((r"\S+\.rb:\d+:in [`']",),)),
    Signature("go-panic", "Go", "a Go panic trace", Leak.DEBUG, ((r"goroutine \d+ \[running\]:",),)),
    Signature(
        "spring-whitelabel",
        "Spring Boot",
        "Spring's default Whitelabel error page (no trace, but it names the framework)",
        Leak.REVIEW,
        ((r"Whitelabel Error Page",),),
    ),
    Signature(
        "tomcat-default",
        "Apache Tomcat",
        "Tomcat's default error report (it names the server and its version)",
        Leak.REVIEW,
        ((r"Apache Tomcat/\d", r"HTTP Status \d{3}"),),
    ),
)


@dataclass(frozen=True)
class Detection:
    """What an error page was judged to be, which signature decided it, and the text around the match."""

    leak: Leak
    signature: str = ""
    framework: str = ""
    description: str = ""
    snippet: str = ""


def snippet_around(text: str, start: int, end: int, limit: int = SNIPPET_LIMIT) -> str:
    """The readable text around a match: tags dropped, spaces collapsed, at most `limit` characters."""
    window = text[max(0, start - 80) : end + 200]
    readable = _SPACE.sub(" ", _TAG.sub(" ", window)).strip()
    return readable if len(readable) <= limit else readable[: limit - 1] + "…"


def detect(body: str) -> Detection:
    """Classify an error page's body: the first signature that matches (debug ones first), else clean."""
    text = html.unescape(body)
    for signature in SIGNATURES:
        found = signature.match(text)
        if found is not None:
            snippet = snippet_around(text, found.start(), found.end())
            return Detection(signature.leak, signature.id, signature.framework, signature.description, snippet)
    return Detection(Leak.CLEAN)
