"""Reading a rendered report as a reader does: text without tags, whitespace squashed; the tags themselves."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from html import unescape
from html.parser import HTMLParser

NOW = datetime(2026, 11, 1, 2, 5, tzinfo=timezone.utc)


class _Tags(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags(html: str) -> list[tuple[str, dict]]:
    parser = _Tags()
    parser.feed(html)
    return parser.tags


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def text(markup: str) -> str:
    """What a reader sees: the stylesheet and the script dropped, tags dropped, entities decoded, whitespace
    squashed."""
    markup = re.sub(r"(?s)<(style|script)\b[^>]*>.*?</\1>", " ", markup)
    return squash(unescape(re.sub(r"<[^>]+>", " ", markup.replace("<wbr>", ""))))


def scripts(html: str) -> list[tuple[dict, str]]:
    """Every <script> element: its attributes and its text."""
    return [(dict(re.findall(r'(\w[\w-]*)="([^"]*)"', attrs)), body)
            for attrs, body in re.findall(r"(?is)<script\b([^>]*)>(.*?)</script\s*>", html)]


def section(html: str, start_id: str, end_id: str | None = None) -> str:
    """The markup from the element with ``id=start_id`` to the next one whose id starts with ``end_id`` (or the end)."""
    begin = html.index(f'id="{start_id}"')
    return html[begin: html.index(f'id="{end_id}', begin + 1)] if end_id else html[begin:]
