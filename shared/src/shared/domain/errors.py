"""What can go wrong in the domain, in words a parent can act on.

A `StageFailure` ends a run in a worker. The `DomainError`s are what a
parent asked for that cannot be done; each kind (not found, conflict, limit,
...) is turned into an HTTP answer in one place, the gateway's error mapping.
"""

from __future__ import annotations


class StageFailure(Exception):
    """A stage cannot succeed for this input, however often it is retried.

    `message` is shown to the parent as it is, so it says what happened and
    what they can do, in plain words; `code` is for logs and the app.
    """

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class ForeignAsset(StageFailure):
    """An event names a file that is not its run's: forged or corrupted, it can never be handled."""

    def __init__(self, key: str) -> None:
        super().__init__("foreign_asset", "Something went wrong with this story's files. Please start it again.")
        self.key = key


class DomainError(Exception):
    """A request that cannot be carried out; `message` is written for the parent, `code` for the app."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code
        self.message = message


class NotFound(DomainError):
    """What was asked for is not there, or not the caller's (the two look the same)."""


class Forbidden(DomainError):
    """The caller named something that is not theirs to open."""


class Conflict(DomainError):
    """The run is not in a state that allows this now."""


class LimitReached(DomainError):
    """Too much at once; the parent may try again after `retry_after_seconds`."""

    def __init__(self, code: str, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(code, message)
        self.retry_after_seconds = retry_after_seconds


class Unavailable(DomainError):
    """Something the request needs did not answer or did not finish; the same request may succeed after `retry_after_seconds`."""

    def __init__(self, code: str, message: str, *, retry_after_seconds: int) -> None:
        super().__init__(code, message)
        self.retry_after_seconds = retry_after_seconds


class InvalidInput(DomainError):
    """What was sent cannot be used as it is."""


class TooLarge(InvalidInput):
    """What was sent is bigger than allowed."""


class UnsupportedType(InvalidInput):
    """What was sent is of a kind that is not accepted."""


class RunNotFound(NotFound):
    def __init__(self, message: str = "We couldn't find that story. It may have expired; please start a new one.") -> None:
        super().__init__("run_not_found", message)


class RunBusy(Conflict):
    def __init__(self) -> None:
        super().__init__("run_busy", "We're still working on this story. Please wait until this step has finished.")


class RunChanged(Conflict):
    def __init__(self) -> None:
        super().__init__("run_changed", "This story changed in another window. Please reload and try again.")


class DrawingNotRead(Conflict):
    """The story gate is not open yet: the drawing is still being looked at."""

    def __init__(self) -> None:
        super().__init__("drawing_not_read", "We haven't finished looking at the drawing yet. Please wait a moment.")


class StoryNotWritten(Conflict):
    """The pipeline gate is not open yet: there is no script to illustrate."""

    def __init__(self) -> None:
        super().__init__("story_not_written", "There is no story to illustrate yet. Please write the story first.")


class RunFinished(Conflict):
    def __init__(self) -> None:
        super().__init__("run_finished", "This storybook is already finished, so there is nothing to stop.")


class VideoNotReady(Conflict):
    def __init__(self) -> None:
        super().__init__("video_not_ready", "The video isn't ready yet. Save it once it has finished.")


class PageNotFound(NotFound):
    def __init__(self, number: int, pages: int) -> None:
        super().__init__("page_not_found", f"This storybook has no page {number}: its pages are 1 to {pages}.")


class StorybookNotFinished(Conflict):
    """A page can be made again only in a finished storybook: until then there is no page to redo."""

    def __init__(self) -> None:
        super().__init__("storybook_not_finished", "A page can be made again once the storybook is finished. Please wait for the video.")


class TooManyRuns(LimitReached):
    RETRY_AFTER_SECONDS = 30

    def __init__(self, limit: int) -> None:
        super().__init__(
            "too_many_runs",
            f"You already have {limit} storybooks being made or waiting for you. Please finish or discard one first.",
            retry_after_seconds=self.RETRY_AFTER_SECONDS,
        )


class RunsBusyNow(LimitReached):
    """Many starts of one parent at the same moment: the budget's lock kept moving under this one."""

    def __init__(self) -> None:
        super().__init__("runs_busy", "Lots is starting at once on your account. Please try again in a moment.", retry_after_seconds=5)


class DailyRunLimitReached(LimitReached):
    def __init__(self, limit: int, retry_after_seconds: int) -> None:
        super().__init__(
            "daily_limit_reached",
            f"You have made {limit} storybooks today, which is as many as we make in a day. Please come back tomorrow.",
            retry_after_seconds=retry_after_seconds,
        )


class InvalidCursor(InvalidInput):
    def __init__(self) -> None:
        super().__init__("invalid_cursor", "That page link is no longer valid. Please reload the library.")


class LanguageNotOffered(InvalidInput):
    """The storybook's language is one this deployment's writer or voice does not have; the message lists those it has."""

    def __init__(self, message: str) -> None:
        super().__init__("language_not_offered", message)


class NotForChildren(InvalidInput):
    """A parent's words have one that a children's story never says; the message names it and where it is."""

    def __init__(self, message: str) -> None:
        super().__init__("not_for_children", message)


class DeleteIncomplete(Unavailable):
    """Some of what was to be deleted is still there after the retries.

    Every delete is ordered so that asking again finishes it: what is gone stays gone, and what still points at the
    rest (a library entry, the account) is removed last. `detail` says what is left, for the logs.
    """

    def __init__(self, detail: str, *, remaining: int | None = None) -> None:
        super().__init__(
            "delete_incomplete",
            "We couldn't finish deleting everything just now. Please try again in a minute; nothing already deleted comes back.",
            retry_after_seconds=30,
        )
        self.detail = detail
        self.remaining = remaining

    def __str__(self) -> str:
        return f"{self.message} ({self.detail})"
