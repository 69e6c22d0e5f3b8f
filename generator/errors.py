"""Content errors that people can act on: ``path:line: message``."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from generator.i18n import _, ngettext


@dataclass(frozen=True, order=True)
class ContentError:
    """One problem in the content, located to a file and line.

    Errors are values, not exceptions, so that every check can run and all
    problems are reported at once.
    """

    path: str
    line: int
    message: str
    suggestion: str = ""

    def __str__(self) -> str:
        if not self.suggestion:
            return f"{self.path}:{self.line}: {self.message}"
        return _("{path}:{line}: {message} ({suggestion})").format(
            path=self.path, line=self.line, message=self.message, suggestion=self.suggestion)


class ContentErrors(Exception):
    """Raised by a pipeline stage that cannot go on; carries every error found."""

    def __init__(self, errors: list[ContentError]):
        super().__init__(ngettext("{count} content error", "{count} content errors", len(errors))
                         .format(count=len(errors)))
        self.errors = sorted(errors)

    def report(self) -> str:
        return "\n".join(str(error) for error in self.errors)


def display_path(path: Path) -> str:
    """A short, stable path for messages: relative to the working directory when possible."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
