"""Content errors that people can act on: ``path:line: message``."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


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
        text = f"{self.path}:{self.line}: {self.message}"
        if self.suggestion:
            text += f" ({self.suggestion})"
        return text


class ContentErrors(Exception):
    """Raised by a pipeline stage that cannot go on; carries every error found."""

    def __init__(self, errors: list[ContentError]):
        super().__init__(f"{len(errors)} content error(s)")
        self.errors = sorted(errors)

    def report(self) -> str:
        return "\n".join(str(error) for error in self.errors)


def display_path(path: Path) -> str:
    """A short, stable path for messages: relative to the working directory when possible."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()
