"""Which links may be stored and shown as links: web addresses (http, https) with a host, and email links
(mailto). Anything else (`javascript:`, `data:`, `vbscript:`, a relative path) would run or go somewhere the
person who clicks it cannot see, so plan files and forms refuse it and pages show it only as text."""

from __future__ import annotations

from urllib.parse import urlsplit

SCHEMES = ("http", "https", "mailto")


def link_problem(text: str) -> str | None:
    """Why `text` may not be a link, in words for the person who wrote it; None when it may."""
    value = str(text)
    if not value:
        return "the link is empty"
    if any(ch.isspace() or ord(ch) < 32 or ord(ch) == 127 for ch in value):
        return "a link cannot contain spaces, line breaks or control characters"
    parts = urlsplit(value)
    scheme = parts.scheme.lower()
    if scheme in ("http", "https"):
        if not parts.hostname:
            return "a web address needs a host, like https://example.org/page"
        return None
    if scheme == "mailto":
        if "@" not in parts.path:
            return "an email link needs an address, like mailto:name@example.org"
        return None
    if not scheme:
        return "a link must start with https://, http:// or mailto:"
    return f"only web addresses (https://, http://) and email links (mailto:) are allowed, not {scheme}:"
