"""Reading rendered pages in tests: inline code the CSP would block, and visible text."""

from __future__ import annotations

import re
from html.parser import HTMLParser


class _InlineCodeFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.problems: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        names = {name.lower(): value for name, value in attrs}
        if "style" in names:
            self.problems.append(f"style attribute on <{tag}>")
        self.problems.extend(
            f"{name} handler on <{tag}>" for name in names if name.startswith("on")
        )
        if tag == "style":
            self.problems.append("<style> element")
        if tag == "script" and not names.get("src") and names.get("type") != "application/json":
            self.problems.append("inline <script>")
        for name in ("href", "src", "action"):
            if (names.get(name) or "").strip().lower().startswith("javascript:"):
                self.problems.append(f"javascript: URL in <{tag} {name}>")


def inline_code(html: str) -> list[str]:
    """What in ``html`` a strict CSP (no inline script or style) would block."""
    finder = _InlineCodeFinder()
    finder.feed(html)
    return finder.problems


def without_tokens(html: str) -> str:
    """The page without its per-request CSRF token, to compare two renderings."""
    return re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", html)
