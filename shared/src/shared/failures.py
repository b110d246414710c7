"""Failures that end a run, as opposed to ones a retry may fix."""


class StageFailure(Exception):
    """A stage cannot succeed for this input, however often it is retried.

    `message` is shown to the parent as it is, so it says what happened and
    what they can do, in plain words; `code` is for logs and the app.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
