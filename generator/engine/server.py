"""``serve``: a preview that follows the sources, on top of the ``livereload`` package.

livereload supplies the HTTP server, the script it injects into every HTML
page and the WebSocket that tells browsers to reload. What it watches and how
it rebuilds is ours: its poll loop calls ``_Rebuilder.examine``, which asks
the ``IncrementalSite`` to catch up and, when files changed, reloads the
browsers at once (livereload's own watcher only sees that *some* file in a
folder changed, and drops reloads within three seconds of the last one).

Pages come from a folder of our own (a temporary one, never ``site/``),
through a small WSGI app: while the content or a template has errors every
HTML request gets the error page, with the ``path:line: message`` report the
terminal shows too, so that the page being edited and the home page both say
what is wrong. The downloads and the full list are produced when first asked
for after a change: at 10,000 matters they take seconds, which an edit should
not wait for; so is a district's search (over every list).

A folder of several lists (``lists/``) is previewed whole, the district's
pages and every list's, by ``library_site.LibrarySite`` in the same way.
Where a file watch can be had (``watch``: watchdog, on Linux, macOS and
Windows), the poll asks it which files changed and tells the site: at 30,000
matter files, stat-ing them all before the edited page takes longer than the
page itself.

The server stops cleanly, removing its temporary folder, on Ctrl-C and on
SIGTERM or SIGHUP too (a process manager, a container, ``kill``, a closed
terminal), whatever the signal dispositions it inherited.
"""
from __future__ import annotations

import gc
import mimetypes
import signal
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol, TextIO
from urllib.parse import quote

from livereload import Server
from livereload.handlers import LiveReloadHandler
from livereload.watcher import Watcher
from tornado.ioloop import PeriodicCallback

from generator.content.lists import is_multi_list
from generator.site import urls
from generator.engine.build import theme_dir
from generator.i18n import _
from generator.engine.incremental import IncrementalSite, Update
from generator.engine.library_site import LibrarySite
from generator.engine.watch import FolderWatch, open_watch

POLL_SECONDS = 0.2  # how often the sources are stat-ed, at least
WATCH_POLL_SECONDS = 0.05  # how often the file watch is asked what changed (a read that does not wait)
POLL_SHARE = 0.1  # at most this share of the time goes to stat-ing (35 ms a scan at 10,000 matters)
MAX_POLL_SECONDS = 2.0
HISTORY_EVERY = 10  # polls between checks of the git commit (a subprocess)
OPEN_DELAY_SECONDS = 0.5
TEXT_TYPES = ("text/", "application/javascript", "application/json")
STOP_SIGNALS = tuple(getattr(signal, name) for name in ("SIGTERM", "SIGHUP") if hasattr(signal, name))

StartResponse = Callable[[str, list[tuple[str, str]]], Any]


class Previewed(Protocol):
    """What the server needs of an incrementally kept site: ``IncrementalSite`` or ``LibrarySite``."""

    out_dir: Path
    errors: tuple

    def update(self, check_history: bool = False, changed: Iterable[Path] | None = None) -> Update: ...

    def ensure(self, path: str) -> list[str]: ...

    def error_page(self) -> bytes: ...


def deferred(path: str) -> bool:
    """Outputs produced on request only: no page needs them, and at scale each takes seconds.

    In a folder of several lists, each list's by its path inside the list's folder.
    """
    return path.startswith(urls.DOWNLOADS) or urls.is_full_list(path)


def previewed(content_dir: Path, out_dir: Path, templates: Path, static: Path) -> Previewed:
    """The incremental site of ``content_dir``: of one list, or of several (a ``lists/`` folder)."""
    if is_multi_list(content_dir):  # the district's search too is made when the search page asks for it
        return LibrarySite(content_dir, out_dir, templates, static, defer=deferred, defer_search=True)
    return IncrementalSite(content_dir, out_dir, templates, static, defer=deferred)


def serve(content_dir: Path, host: str = "127.0.0.1", port: int = 8000, open_browser: bool = False,
          out: TextIO = sys.stdout) -> int:
    """Build, serve and follow the sources until interrupted; 1 if the port cannot be used."""
    templates, static = theme_dir(content_dir, "templates"), theme_dir(content_dir, "static")
    with tempfile.TemporaryDirectory(prefix="lvzhi-serve-") as folder, _stopped_by(STOP_SIGNALS):
        site = previewed(content_dir, Path(folder) / "site", templates, static)
        print(_("Building {folder} …").format(folder=content_dir), file=out, flush=True)
        first = site.update()
        _report(first, out, _("Built {count} files in {seconds:.2f} s.").format(
            count=len(first.written), seconds=first.seconds))
        gc.collect()
        gc.freeze()  # the content stays in memory for the session: keep the collector from walking it again
        watched = (content_dir, templates, static)
        watch = open_watch(watched)
        server = Server(app=site_app(site),
                        watcher=_Rebuilder(site, watched, lambda update: _report(update, out), watch))
        print(_("Serving http://{host}:{port}/ … (Ctrl-C to stop)").format(host=host, port=port), file=out,
              flush=True)
        try:
            server.serve(port=port, host=host, debug=False,
                         open_url_delay=OPEN_DELAY_SECONDS if open_browser else None)
        except OSError as error:  # the port is taken, or the host is not ours
            print(_("error: cannot serve on {host}:{port}: {reason}").format(
                host=host, port=port, reason=error.strerror or error), file=sys.stderr)
            return 1
        finally:
            if watch is not None:
                watch.close()
    print(_("Stopped."), file=out, flush=True)
    return 0


@contextmanager
def _stopped_by(signals: Iterable[int]) -> Iterator[None]:
    """Within the block, ``signals`` stop the server as Ctrl-C does (livereload then returns, and the
    temporary folder is removed); before, their default would end the process without any cleanup."""

    def interrupt(number: int, frame: object) -> None:
        raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():  # only the main thread may set handlers
        yield
        return
    previous = {number: signal.signal(number, interrupt) for number in signals}
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def _report(update: Update, out: TextIO, summary: str = "") -> None:
    if update.errors:
        print("\n".join(str(error) for error in update.errors), file=out)
    print(update.summary() if update.errors or not summary else summary, file=out, flush=True)


class _Rebuilder(Watcher):
    """livereload's watcher, turned into: catch up with the sources, reload the browsers if anything changed.

    With a file watch (``watch.open_watch``), it is asked often what changed, and the site is told the
    paths: a matter's page is then rewritten without stat-ing every file first. Every file is still
    stat-ed after each reported change, and from time to time without one (paced by what a scan costs),
    in case the watch missed something. Without a watch, every poll stats every file.
    """

    def __init__(self, site: Previewed, folders: Iterable[Path], report: Callable[[Update], None],
                 watch: FolderWatch | None = None):
        super().__init__()
        self._site, self._report, self._watch = site, report, watch
        self._polls = 0
        self._poll: PeriodicCallback | None = None
        self._next_scan = 0.0  # when, without a reported change, every file is stat-ed again
        for folder in folders:  # registered so livereload does not fall back to the working directory
            self.watch(str(folder))

    def start(self, callback: Callable[[], None]) -> bool:
        """Poll at our own pace; True tells livereload not to start its 0.8 s poll."""
        every = WATCH_POLL_SECONDS if self._watch is not None else POLL_SECONDS
        self._poll = PeriodicCallback(callback, every * 1000)
        self._poll.start()
        return True

    def examine(self) -> tuple[str | None, float | None]:
        if self._changes:  # livereload's own request, at start, to reload open browsers
            return self._changes.pop()
        reported = self._watch.changed() if self._watch is not None else None
        if reported is not None and not reported and time.monotonic() < self._next_scan:
            return None, None  # nothing reported, and the scan in case the watch missed something is not due
        self._polls += 1
        update = self._site.update(check_history=self._polls % HISTORY_EVERY == 0, changed=reported or None)
        self._pace(update)
        if not update.changes:
            return None, None
        self._report(update)
        if update.written or update.deleted or update.errors:
            self.filepath = update.changes.describe()  # what livereload logs
            LiveReloadHandler.reload_waiters(_reload_path(update))
        return None, None

    def _pace(self, update: Update) -> None:
        """After an update that was a scan only, wait in proportion to what the scan cost."""
        if update.changes:
            return
        seconds = min(MAX_POLL_SECONDS, max(POLL_SECONDS, update.seconds / POLL_SHARE))
        self._next_scan = time.monotonic() + seconds
        if self._poll is not None and self._watch is None:
            self._poll.callback_time = seconds * 1000


def _reload_path(update: Update) -> str:
    """A stylesheet alone is swapped in place by livereload.js; anything else reloads the page."""
    changed = [*update.written, *update.deleted]
    if changed and not update.errors and all(path.endswith(".css") for path in changed):
        return changed[0]
    return "*"


def site_app(site: Previewed) -> Callable[[dict[str, Any], StartResponse], list[bytes]]:
    """A WSGI app serving the site's folder, or the error page while there are errors."""

    def app(environ: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        method = environ.get("REQUEST_METHOD", "GET")
        if method not in ("GET", "HEAD"):
            return _respond(start_response, "405 Method Not Allowed", b"", "text/plain", [("Allow", "GET, HEAD")])
        status, body, kind, extra = _answer(site, _request_path(environ))
        return _respond(start_response, status, b"" if method == "HEAD" else body, kind, extra)

    return app


def _request_path(environ: dict[str, Any]) -> str | None:
    """The requested path relative to the site root (``index.html`` for folders), or None if it leaves the root.

    WSGI hands the path over as Latin-1 text of the URL's bytes.
    """
    raw = environ.get("PATH_INFO", "/").encode("latin-1").decode("utf-8", "replace")
    parts = raw.split("/")
    if any(part in (".", "..") or "\\" in part for part in parts):
        return None
    relative = "/".join(part for part in parts if part)
    return relative + "/index.html" if relative and raw.endswith("/") else relative or urls.HOME


def _answer(site: Previewed, path: str | None) -> tuple[str, bytes, str, list[tuple[str, str]]]:
    """(status, body, content type, extra headers) for one request."""
    if path is None:
        return _not_found(site)
    site.ensure(path)  # a deferred output; nothing while there are errors
    if site.errors and (path.endswith(".html") or "." not in path.rsplit("/", 1)[-1]):  # a page
        return "500 Internal Server Error", site.error_page(), "text/html", []
    target = site.out_dir / path
    if target.is_dir():
        return "301 Moved Permanently", b"", "text/plain", [("Location", "/" + quote(path) + "/")]
    if target.is_file():
        return "200 OK", target.read_bytes(), mimetypes.guess_type(path)[0] or "application/octet-stream", []
    return _not_found(site)


def _not_found(site: Previewed) -> tuple[str, bytes, str, list[tuple[str, str]]]:
    page = site.out_dir / urls.NOT_FOUND
    return "404 Not Found", page.read_bytes() if page.is_file() else b"404 Not Found", "text/html", []


def _respond(start_response: StartResponse, status: str, body: bytes, kind: str,
             extra: list[tuple[str, str]]) -> list[bytes]:
    if kind.startswith(TEXT_TYPES):
        kind += "; charset=utf-8"
    start_response(status, [("Content-Type", kind), ("Content-Length", str(len(body))),
                            ("Cache-Control", "no-store"), *extra])
    return [body]
