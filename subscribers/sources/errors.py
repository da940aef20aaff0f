"""The error of a billing source that could not be read."""


class SourceError(Exception):
    """A translated message for the job's report; nothing was written."""

    def __init__(self, message: str, *, kind: str = ""):
        super().__init__(message)
        self.message = message
        self.kind = kind
