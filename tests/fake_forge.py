"""A tiny stand-in for the comment APIs of Gitea/Forgejo (v1) and GitLab (v4), on 127.0.0.1 only.

It keeps comments in memory, checks the token header each system expects,
pages listings as the real servers do, and records every request, so tests
can assert the request shapes ``generator.review.forge`` sends. Run as a
script it serves until stopped (for the gitlab-ci-local run in
docs/reviewing.md); ``GET /_fake/comments`` then shows what was posted.

    python tests/fake_forge.py --port 8929 --token secret
"""
from __future__ import annotations

import argparse
import json
import re
import threading
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

GITEA_COMMENTS = re.compile(r"^/api/v1/repos/(?P<repo>[^/]+/[^/]+)/issues/(?P<number>\d+)/comments$")
GITEA_COMMENT = re.compile(r"^/api/v1/repos/(?P<repo>[^/]+/[^/]+)/issues/comments/(?P<id>\d+)$")
GITLAB_NOTES = re.compile(r"^/api/v4/projects/(?P<project>[^/]+)/merge_requests/(?P<number>\d+)/notes$")
GITLAB_NOTE = re.compile(r"^/api/v4/projects/(?P<project>[^/]+)/merge_requests/(?P<number>\d+)/notes/(?P<id>\d+)$")
REQUEST_TIMEOUT = 10  # seconds a connection may stay idle


@dataclass
class Recorded:
    method: str
    path: str  # with the query
    headers: dict[str, str]  # names in lower case
    body: dict | None


@dataclass
class Forge:
    """The fake's state: comments by thread ("gitea:owner/repo#7", "gitlab:42!3"), requests in order."""

    token: str
    threads: dict[str, list[dict]] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    next_id: int = 100
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, thread: str, body: str, author: str = "reviewer", system: bool = False) -> dict:
        with self.lock:
            self.next_id += 1
            comment = {"id": self.next_id, "body": body, "user": {"login": author}, "system": system}
            self.threads.setdefault(thread, []).append(comment)
            return comment

    def find(self, prefix: str, comment_id: int) -> dict | None:
        return next((comment for thread, comments in self.threads.items() if thread.startswith(prefix)
                     for comment in comments if comment["id"] == comment_id), None)


class Handler(BaseHTTPRequestHandler):
    server: "FakeServer"
    timeout = REQUEST_TIMEOUT

    def log_message(self, format: str, *args: object) -> None:  # quiet: tests read requests instead
        pass

    def do_GET(self) -> None:
        self._handle("GET")

    def do_POST(self) -> None:
        self._handle("POST")

    def do_PATCH(self) -> None:
        self._handle("PATCH")

    def do_PUT(self) -> None:
        self._handle("PUT")

    def _handle(self, method: str) -> None:
        forge = self.server.forge
        length = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(length) if length else b""
        body = json.loads(raw.decode("utf-8")) if raw else None
        forge.requests.append(Recorded(method, self.path, {key.lower(): value for key, value in self.headers.items()}, body))
        url = urlsplit(self.path)
        if url.path == "/_fake/comments":
            return self._send(200, forge.threads)
        query = {key: values[0] for key, values in parse_qs(url.query).items()}
        gitlab = url.path.startswith("/api/v4/")
        if not self._authorised(gitlab):
            return self._send(401, {"message": "401 Unauthorized"})
        if gitlab:
            return self._gitlab(method, url.path, query, body)
        return self._gitea(method, url.path, query, body)

    def _authorised(self, gitlab: bool) -> bool:
        token = self.server.forge.token
        if gitlab:
            return self.headers.get("PRIVATE-TOKEN") == token
        return self.headers.get("Authorization") == f"token {token}"

    def _gitea(self, method: str, path: str, query: dict, body: dict | None) -> None:
        forge = self.server.forge
        if match := GITEA_COMMENTS.match(path):
            thread = f"gitea:{match['repo']}#{match['number']}"
            if method == "GET":
                return self._send(200, _page(forge.threads.get(thread, []), query, "limit"))
            if method == "POST" and body and "body" in body:
                return self._send(201, forge.add(thread, body["body"], "lvzhi-bot"))
        if (match := GITEA_COMMENT.match(path)) and method == "PATCH" and body and "body" in body:
            comment = forge.find(f"gitea:{match['repo']}#", int(match["id"]))
            if comment is None:
                return self._send(404, {"message": "comment not found"})
            comment["body"] = body["body"]
            return self._send(200, comment)
        return self._send(404, {"message": f"no route {method} {path}"})

    def _gitlab(self, method: str, path: str, query: dict, body: dict | None) -> None:
        forge = self.server.forge
        if match := GITLAB_NOTES.match(path):
            thread = f"gitlab:{match['project']}!{match['number']}"
            if method == "GET":
                return self._send(200, _page(forge.threads.get(thread, []), query, "per_page"))
            if method == "POST" and body and "body" in body:
                return self._send(201, forge.add(thread, body["body"], "project_bot"))
        if (match := GITLAB_NOTE.match(path)) and method == "PUT" and body and "body" in body:
            comment = forge.find(f"gitlab:{match['project']}!{match['number']}", int(match["id"]))
            if comment is None:
                return self._send(404, {"message": "404 Not found"})
            comment["body"] = body["body"]
            return self._send(200, comment)
        return self._send(404, {"message": f"no route {method} {path}"})

    def _send(self, status: int, data: object) -> None:
        payload = json.dumps(data, ensure_ascii=False).encode("utf-8")
        self.send_response(status)
        self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)


def _page(comments: list[dict], query: dict, size_name: str) -> list[dict]:
    size = min(int(query.get(size_name, 20)), 50)
    page = max(int(query.get("page", 1)), 1)
    return comments[(page - 1) * size:page * size]


class FakeServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, forge: Forge, port: int = 0):
        super().__init__(("127.0.0.1", port), Handler)
        self.forge = forge

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8929)
    parser.add_argument("--token", default="secret")
    args = parser.parse_args()
    server = FakeServer(Forge(args.token), args.port)
    print(f"fake forge on {server.url} (Gitea: {server.url}/api/v1, GitLab: {server.url}/api/v4)", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
