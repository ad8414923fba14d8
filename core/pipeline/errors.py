"""The error an ingest raises: every problem found, each naming the file, row, column and what was expected."""

from __future__ import annotations


class IngestError(Exception):
    """Raised with every problem found; nothing has been written when it is raised."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))
