"""``serve``: a real server on a loopback port follows edits, shows content errors, and stops cleanly.

The server is stopped with SIGTERM, or with SIGINT after resetting its
disposition in the child: a shell starts background jobs with SIGINT
ignored, and the tests must pass however the suite was started.
"""
from __future__ import annotations

import io
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path

import pytest

from conftest import REPO, copy_content
from generator.site import urls
from generator.engine.incremental import IncrementalSite
from generator.engine.server import deferred, site_app

MATTERS = 12
STARTUP_SECONDS = 20
CHANGE_SECONDS = 5


@pytest.fixture
def content(tmp_path: Path) -> Path:
    """12 matters and the settings; the server uses the generator's own templates and assets."""
    folder = copy_content(tmp_path / "content", MATTERS)
    return folder


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def fetch(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode("utf-8")
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode("utf-8")


def wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def answers(url: str) -> bool:
    try:
        return fetch(url)[0] == 200
    except OSError:
        return False


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def default_sigint() -> None:
    """In the child before it runs Python: Ctrl-C as a terminal would deliver it, whatever was inherited."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture
def temporary(tmp_path: Path) -> Path:
    """The server's temporary directory (TMPDIR), to see that it leaves nothing behind."""
    folder = tmp_path / "tmp"
    folder.mkdir()
    return folder


@pytest.fixture
def server(content: Path, temporary: Path):
    """``python -m generator serve`` in a subprocess, working in the content's parent folder."""
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--content", "content", "--port", str(port)],
        cwd=content.parent, env={**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temporary)},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: answers(base) or process.poll() is not None, STARTUP_SECONDS, "the server to answer")
        assert process.poll() is None, process.communicate()
        yield process, base
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_serve_follows_edits_shows_errors_and_stops_cleanly_on_sigterm(server, content, temporary):
    process, base = server
    matter = next((content / "matters").glob("006-*.md"))
    page = base + urls.matter("qian-shu-nong-cun-tu-di-cheng")
    status, html = fetch(page)
    assert status == 200 and "签署农村土地承包经营合同工作" in html
    assert "livereload.js" in html  # the browser is told to reload

    edit(matter, "title: 签署农村土地承包经营合同工作", "title: 签署农村土地承包合同工作")
    wait_for(lambda: "签署农村土地承包合同工作" in fetch(page)[1], CHANGE_SECONDS, "the edited page")
    assert "签署农村土地承包合同工作" in fetch(base + urls.JSON_DOWNLOAD)[1]  # produced on request

    edit(matter, "category: 经济发展", "category: 经济发")
    report = f"content/matters/{matter.name}:5: unknown category &#39;经济发&#39;"
    wait_for(lambda: report in fetch(base)[1], CHANGE_SECONDS, "the error page")
    for url in (base, page, base + "no/such/page.html"):
        status, html = fetch(url)
        assert status == 500 and report in html
    assert fetch(base + "static/style.css")[0] == 200
    assert process.poll() is None

    edit(matter, "category: 经济发", "category: 经济发展")
    wait_for(lambda: fetch(page)[0] == 200, CHANGE_SECONDS, "the page to come back")
    assert "签署农村土地承包合同工作" in fetch(page)[1]

    last = next((content / "matters").glob(f"{MATTERS:03d}-*.md"))
    last_page = base + urls.matter(last.stem.split("-", 1)[1])
    assert fetch(last_page)[0] == 200
    last.unlink()
    wait_for(lambda: fetch(last_page)[0] == 404, CHANGE_SECONDS, "the deleted matter's page to go")

    assert list(temporary.glob("lvzhi-serve-*"))
    process.send_signal(signal.SIGTERM)  # as a process manager or a container stops it
    out, err = process.communicate(timeout=10)
    assert process.returncode == 0
    assert "Traceback" not in out + err
    assert "Stopped." in out
    assert not list(temporary.iterdir())  # its temporary folder is gone
    assert f"Serving http://127.0.0.1:{base.split(':')[-1].rstrip('/')}/" in out
    assert f"content/matters/{matter.name}:5: unknown category '经济发'" in out  # the terminal has it too


def test_serve_stops_cleanly_on_ctrl_c(server, temporary):
    process, base = server
    assert list(temporary.glob("lvzhi-serve-*"))
    process.send_signal(signal.SIGINT)
    out, err = process.communicate(timeout=10)
    assert process.returncode in (0, 130)
    assert "Traceback" not in out + err
    assert not list(temporary.iterdir())


def test_a_settings_file_in_gbk_shows_the_error_page_not_the_last_good_site(content, tmp_path):
    site = IncrementalSite(content, tmp_path / "out", defer=deferred)
    assert not site.update().errors
    app = site_app(site)
    assert request(app, "/")[0] == "200 OK"
    settings = content / "site.yml"
    settings.write_bytes(settings.read_text(encoding="utf-8").encode("gbk"))
    update = site.update()
    assert [str(error) for error in update.errors] == [
        f"{settings.as_posix()}:2: the file is not UTF-8 text (it looks like GBK/GB18030) (save it as UTF-8 text)"]
    for path in ("/", "/matters/qian-shu-nong-cun-tu-di-cheng.html"):
        status, _, body = request(app, path)
        assert status.startswith("500") and "site.yml:2: the file is not UTF-8 text" in body.decode("utf-8")
    settings.write_bytes(settings.read_bytes().decode("gbk").encode("utf-8"))
    assert not site.update().errors
    assert request(app, "/")[0] == "200 OK"


def request(app, path: str) -> tuple[str, dict[str, str], bytes]:
    answer: dict = {}

    def start_response(status: str, headers: list[tuple[str, str]]) -> None:
        answer["status"], answer["headers"] = status, dict(headers)

    body = b"".join(app({"REQUEST_METHOD": "GET", "PATH_INFO": path}, start_response))
    return answer["status"], answer["headers"], body


def test_the_app_serves_only_the_site_folder(content, tmp_path):
    site = IncrementalSite(content, tmp_path / "out", defer=deferred)
    site.update()
    app = site_app(site)
    assert request(app, "/")[0] == "200 OK"
    status, headers, _ = request(app, "/categories/party-building")
    assert status.startswith("301") and headers["Location"] == "/categories/party-building/"
    assert request(app, "/categories/party-building/")[0] == "200 OK"
    assert request(app, "/matters/qian-shu-nong-cun-tu-di-cheng.html")[0] == "200 OK"
    for escape in ("/../content/site.yml", "/static/../../content/site.yml", "/matters/./../../out"):
        assert request(app, escape)[0].startswith("404"), escape
    status, headers, _ = request(app, "/static/style.css")
    assert status == "200 OK" and headers["Content-Type"] == "text/css; charset=utf-8" and headers["Cache-Control"] == "no-store"
    assert not (site.out_dir / urls.FULL_LIST).exists()  # deferred until asked for
    assert request(app, "/" + urls.FULL_LIST)[0] == "200 OK"


def test_a_busy_port_is_an_error_not_a_traceback(content, tmp_path):
    from generator.engine.server import serve

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        out = io.StringIO()
        assert serve(content, port=taken.getsockname()[1], out=out) == 1


@pytest.fixture
def district_server(tmp_path: Path, temporary: Path):
    """``serve`` of a multi-list folder, speaking Chinese as it does to the keepers."""
    from test_library_site import make_district

    content = make_district(tmp_path / "content")
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "generator", "serve", "--content", "content", "--port", str(port)],
        cwd=tmp_path, env={**os.environ, "PYTHONPATH": str(REPO), "TMPDIR": str(temporary), "LVZHI_LANG": "zh"},
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, preexec_fn=default_sigint)
    base = f"http://127.0.0.1:{port}/"
    try:
        wait_for(lambda: answers(base) or process.poll() is not None, STARTUP_SECONDS, "the server to answer")
        assert process.poll() is None, process.communicate()
        yield process, base, content
    finally:
        if process.poll() is None:
            process.kill()
            process.communicate()


def test_serve_previews_a_district_follows_edits_in_any_list_and_shows_errors_in_chinese(district_server):
    process, base, content = district_server
    status, home = fetch(base)
    assert status == 200 and "a镇" in home and "livereload.js" in home
    peihe = next((content / "lists/b/peihe/matters").glob("006-*.md"))
    page = base + "b/peihe/" + urls.matter("qian-shu-nong-cun-tu-di-cheng")
    assert "签署农村土地承包经营合同工作" in fetch(page)[1]
    edit(peihe, "title: 签署农村土地承包经营合同工作", "title: 签署农村土地承包合同工作")
    wait_for(lambda: "签署农村土地承包合同工作" in fetch(page)[1], CHANGE_SECONDS, "the edited 配合 page")

    shouhui = content / "lists/a/shouhui/matters/001-di-bao-shen-he.md"
    typed_page = base + "a/shouhui/" + urls.matter("di-bao-shen-he")
    edit(shouhui, "title: 最低生活保障审核确认", "title: 最低生活保障审核确认（试行）")
    wait_for(lambda: "最低生活保障审核确认（试行）" in fetch(typed_page)[1], CHANGE_SECONDS, "the edited 收回 page")

    jiben = content / "lists/b/jiben/matters/001-dang-yuan-jiao-yu.md"
    edit(jiben, "category: 党的建设", "category: 党建")
    edit(peihe, "category: 经济发展", "category: 经济发")
    report = "lists/b/jiben/matters/001-dang-yuan-jiao-yu.md:5: 未知的类别“党建”"
    # Both errors: the server may catch up between the two edits (it looks every 50 ms with a file watch).
    wait_for(lambda: report in (html := fetch(base)[1]) and "未知的类别“经济发”" in html, CHANGE_SECONDS,
             "the error page")
    for url in (base, page, typed_page, base + "departments/index.html"):
        status, html = fetch(url)
        assert status == 500 and report in html and "未知的类别“经济发”" in html
    edit(jiben, "category: 党建", "category: 党的建设")
    edit(peihe, "category: 经济发", "category: 经济发展")
    wait_for(lambda: fetch(page)[0] == 200, CHANGE_SECONDS, "the site to come back")
    assert "签署农村土地承包合同工作" in fetch(page)[1]

    process.send_signal(signal.SIGTERM)
    out, err = process.communicate(timeout=10)
    assert process.returncode == 0 and "Traceback" not in out + err
    assert report in out  # the terminal has the list too
