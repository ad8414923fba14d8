"""The errors of reading and vetting a file; each message names the file, row, column and what was expected."""

from __future__ import annotations


class IngestError(Exception):
    """Raised with every problem found; nothing has been written when it is raised."""

    def __init__(self, messages: list[str]):
        self.messages = messages
        super().__init__("\n".join(messages))


class CellError(ValueError):
    """A cell that does not hold what its column expects; the message says what was expected."""


class FileFormatError(ValueError):
    """A file that cannot be read as a table at all; one message, or one per problem found."""

    def __init__(self, *messages: str):
        super().__init__("\n".join(messages))
        self.messages = list(messages)
