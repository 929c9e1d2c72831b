"""The zap-baseline rules file: per-pluginId actions that override golive's severity gate.

Format (the one zap-baseline.py reads with -c): one rule a line, ``pluginId<TAB>ACTION<TAB>name``, where ACTION
is IGNORE, INFO, WARN or FAIL; ``#`` starts a comment. ``pluginId<TAB>OUTOFSCOPE<TAB>regex`` drops that rule's
alerts on URLs matching the regex (``*`` as the pluginId means every rule). Wapiti's findings are ruled the same
way by their golive rule id, ``wapiti:<id>`` (``wapiti:xss``, ``wapiti:http_headers``; see the README).
"""

from __future__ import annotations

import enum
import re
from dataclasses import dataclass, field
from pathlib import Path


class RuleAction(enum.StrEnum):
    """What a rules-file line asks for one ZAP rule."""

    IGNORE = "IGNORE"
    INFO = "INFO"
    WARN = "WARN"
    FAIL = "FAIL"


class RulesFileError(Exception):
    """The rules file cannot be used; the message names the file and the line."""


@dataclass(frozen=True)
class ZapRules:
    """Parsed rules: an action per rule (ZAP pluginId or wapiti:<id>), out-of-scope URL patterns per rule (or ``*``)."""

    actions: dict[str, RuleAction] = field(default_factory=dict)
    out_of_scope: dict[str, tuple[re.Pattern[str], ...]] = field(default_factory=dict)
    source: str = ""

    def action_for(self, plugin_id: str) -> RuleAction | None:
        """The configured action for a pluginId, or None to use the severity gate."""
        return self.actions.get(plugin_id)

    def is_out_of_scope(self, plugin_id: str, url: str) -> bool:
        """Whether an alert of this rule on this URL was declared out of scope."""
        patterns = (*self.out_of_scope.get(plugin_id, ()), *self.out_of_scope.get("*", ()))
        return any(pattern.search(url) for pattern in patterns)


_WAPITI_RULE = re.compile(r"wapiti:[a-z0-9_]+")


def _is_rule_id(rule: str) -> bool:
    return rule.isdigit() or _WAPITI_RULE.fullmatch(rule) is not None


def parse_rules(text: str, source: str = "rules file") -> ZapRules:
    """Parse the text of a rules file; raise RulesFileError naming the line for anything unusable."""
    actions: dict[str, RuleAction] = {}
    scopes: dict[str, list[re.Pattern[str]]] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        columns = [column.strip() for column in line.split("\t")]
        if len(columns) < 2:
            raise RulesFileError(f"{source}:{number}: expected pluginId<TAB>IGNORE|INFO|WARN|FAIL<TAB>name")
        plugin_id, action = columns[0], columns[1].upper()
        if action == "OUTOFSCOPE":
            if len(columns) < 3 or not columns[2]:
                raise RulesFileError(f"{source}:{number}: OUTOFSCOPE needs a URL regex in the third column")
            try:
                scopes.setdefault(plugin_id, []).append(re.compile(columns[2]))
            except re.error as error:
                raise RulesFileError(f"{source}:{number}: {columns[2]!r} is not a valid regex ({error})") from None
            continue
        if not _is_rule_id(plugin_id):
            raise RulesFileError(
                f"{source}:{number}: {plugin_id!r} is not a ZAP pluginId (a number) or a Wapiti rule (wapiti:<id>)"
            )
        try:
            actions[plugin_id] = RuleAction(action)
        except ValueError:
            raise RulesFileError(
                f"{source}:{number}: action {columns[1]!r} is not one of IGNORE, INFO, WARN, FAIL, OUTOFSCOPE"
            ) from None
    return ZapRules(actions, {key: tuple(value) for key, value in scopes.items()}, source)


def load_rules(path: str) -> ZapRules:
    """Read and parse a rules file; a missing or unreadable file is a RulesFileError."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise RulesFileError(
            f"security.rules_file {path!r} not found (relative paths are read from the working folder)"
        ) from None
    except OSError as error:
        raise RulesFileError(f"security.rules_file {path!r} cannot be read: {error.strerror}") from None
    return parse_rules(text, path)
