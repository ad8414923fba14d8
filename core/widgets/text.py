"""Text from data or a URL shown where Streamlit renders markdown (captions, notices, labels, link labels)."""

from __future__ import annotations

import re

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()<>#+\-.!|~$:])")


# Markdown's autolinks (GFM) turn a bare URL, 'www.' name or e-mail address into a link even when escaped; a
# zero-width space inside the marker keeps the text as it reads and unlinked.
_AUTOLINK = re.compile(r"(?i)(://|www\.|@)")
_ZWSP = "\u200b"


def escape_markdown(text: str) -> str:
    """Text from data or a URL, shown literally where Streamlit renders markdown (captions, notices, labels):
    no link, image, emphasis or heading from it, and no autolinked address."""
    unlinked = _AUTOLINK.sub(lambda m: m.group(1)[:-1] + _ZWSP + m.group(1)[-1], str(text))
    return _MARKDOWN_SPECIAL.sub(r"\\\1", unlinked)
