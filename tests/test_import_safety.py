"""``import`` never destroys the list: refusals leave the content folder as it was, with a clear message.

Each refusal runs the real command in a process of its own, bounded in time:
exit status non-zero, a ``path:line: message`` naming the file, no Python
traceback, and the content folder byte for byte as before.
"""
from __future__ import annotations

import hashlib
import io
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from conftest import REPO, TABLE, copy_content
from generator.errors import ContentErrors
from generator.importing.importer import import_table

TIME_BOUND = 120  # seconds; an import of the whole table takes a few


def folder_hash(folder: Path) -> str:
    """Every file's path and bytes under ``folder``: what "untouched" means."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode())
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def run_import(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "generator", "--lang", "en", "import", *map(str, args)],
                          cwd=cwd, capture_output=True, text=True, timeout=TIME_BOUND,
                          env={**os.environ, "PYTHONPATH": str(REPO)})


@pytest.fixture(scope="module")
def imported_once(tmp_path_factory) -> Path:
    """The committed settings and the fixture's 100 matters, imported (not the committed content/)."""
    folder = copy_content(tmp_path_factory.mktemp("imported") / "content")
    import_table(TABLE, folder)
    return folder


@pytest.fixture
def content(imported_once, tmp_path) -> Path:
    """A private copy of ``imported_once`` that the test may change."""
    return Path(shutil.copytree(imported_once, tmp_path / "content"))


def table_text() -> str:
    return TABLE.read_text(encoding="utf-8")


def write(path: Path, data: str | bytes) -> Path:
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def xlsx_bytes() -> bytes:
    from openpyxl import Workbook

    buffer = io.BytesIO()
    workbook = Workbook()
    workbook.active.append(["序号", "事项名称"])
    workbook.save(buffer)
    return buffer.getvalue()


def zip_bytes(name: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(name, "<x/>")
    return buffer.getvalue()


def duplicated_number(text: str) -> str:
    return text.replace("\n2\t社区工作者招聘\t", "\n1\t社区工作者招聘\t", 1)


def empty_title(text: str) -> str:
    return text.replace("\n2\t社区工作者招聘\t", "\n2\t \t", 1)


# (name, how the bad table is made in tmp_path, what the message says, the line it names)
REFUSALS = [
    ("empty file", lambda tmp: write(tmp / "empty.txt", ""), "the file is empty", 1),
    ("blank lines only", lambda tmp: write(tmp / "blank.txt", "\n\n  \n"), "the file is empty", 1),
    ("one-line saved page", lambda tmp: write(tmp / "page.html", "<html><body><p>页面不存在</p></body></html>"),
     "the table holds no matter rows", 1),
    ("page with an empty table", lambda tmp: write(tmp / "page.html", "<html><table><tr><td></td></tr></table>"),
     "the table holds no matter rows", 1),
    ("header only", lambda tmp: write(tmp / "header.txt", "序号\t事项名称\t对应上级部门\t上级部门职责\t配合职责\n"),
     "the table holds no matter rows", 1),
    ("number used twice", lambda tmp: write(tmp / "twice.txt", duplicated_number(table_text())),
     "matter number 1 is used twice (also at ", 8),
    ("empty title cell", lambda tmp: write(tmp / "title.txt", empty_title(table_text())),
     "matter 2: the cell 事项名称 is empty", 8),
    ("number gap", lambda tmp: write(tmp / "gap.txt", "\n".join(
        line for line in table_text().split("\n") if not line.startswith("3\t"))),
     "there is no matter number 3 before 4", 10),
    ("header without the duty columns", lambda tmp: write(tmp / "cols.txt", "序号\t事项名称\t对应上级部门\n1\t标题\t青山区关工委\n"),
     "the header has no column 上级部门职责、苏木乡镇（街道）配合职责", 1),
    ("unbalanced quote in comma-separated text", lambda tmp: write(tmp / "list.csv", "序号,事项名称\n1,\"标题\n"),
     "the comma-separated text cannot be read", 2),
    ("missing file", lambda tmp: tmp / "no-such-table.xlsx", "no such file", 1),
    ("a directory", lambda tmp: tmp, "this is a folder, not a table file", 1),
    ("a FIFO", lambda tmp: (os.mkfifo(tmp / "fifo.txt"), tmp / "fifo.txt")[1], "this is not a regular file", 1),
    ("PNG named .xlsx", lambda tmp: write(tmp / "list.xlsx", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(64)),
     "this is not a table this command can read", 1),
    ("truncated workbook", lambda tmp: write(tmp / "list.xlsx", xlsx_bytes()[:300]), "damaged zip file", 1),
    ("zip that is neither", lambda tmp: write(tmp / "list.xlsx", zip_bytes("hello.txt")),
     "neither an Excel workbook nor a Word document", 1),
    ("workbook without its parts", lambda tmp: write(tmp / "list.xlsx", zip_bytes("xl/nothing.xml")),
     "this looks like an Excel workbook but cannot be read", 1),
    ("old .xls", lambda tmp: write(tmp / "list.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512)),
     "old Excel or Word file", 1),
    ("neither UTF-8 nor GB18030", lambda tmp: write(tmp / "list.txt", "序号\n1\t".encode() + b"\xff\xff\x80\n"),
     "neither UTF-8 nor GB18030", 2),
    ("damaged byte in UTF-8 text", lambda tmp: write(tmp / "damaged.txt", TABLE.read_bytes().replace(
        "社区工作者招聘".encode(), "社区工作者招聘".encode()[:-1] + b"\xff", 1)),
     "the text is UTF-8 but a byte of it is damaged", 8),
    ("unknown department", lambda tmp: write(tmp / "dept.txt", table_text().replace("\t青山区关工委\t", "\t青山区某某委\t", 1)),
     "matter 3: cannot place department", 9),
    ("unknown category", lambda tmp: write(tmp / "cat.txt", table_text().replace("一、党的建设", "一、党的建设工作", 1)),
     "unknown category", 6),
    ("text outside the list's columns", lambda tmp: write(tmp / "cols.txt", table_text().replace(
        "\n2\t社区工作者招聘\t", "\n2\t社区工作者招聘\t", 1).replace("开展报名人员资格初审，做好报名人员信息统计表及报名材料上报工作。</p>",
                                           "开展报名人员资格初审，做好报名人员信息统计表及报名材料上报工作。</p>\t备注", 1)),
     "matter 2: text in column 6, outside the list's columns", 8),
]


@pytest.mark.parametrize("make, expected, line", [case[1:] for case in REFUSALS], ids=[case[0] for case in REFUSALS])
def test_a_bad_table_is_refused_and_the_content_untouched(content, tmp_path, make, expected, line):
    table = make(_folder(tmp_path / "in"))
    before = folder_hash(content)
    result = run_import(table, "--content", content)
    assert result.returncode != 0
    assert "Traceback" not in result.stderr + result.stdout
    assert expected in result.stderr, result.stderr
    label = table.name
    assert any(f"{label}:{line}:" in message or f"{label}[" in message for message in result.stderr.splitlines()
               if expected in message), result.stderr
    assert folder_hash(content) == before


def _folder(path: Path) -> Path:
    path.mkdir()
    return path


def test_an_unreadable_file_is_refused(content, tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads every file")
    table = write(tmp_path / "locked.txt", table_text())
    table.chmod(0)
    result = run_import(table, "--content", content)
    assert result.returncode != 0 and "cannot read the file" in result.stderr and "Traceback" not in result.stderr


def test_removals_are_refused_without_allow_removals(content, tmp_path):
    shorter = write(tmp_path / "shorter.txt", "\n".join(line for line in table_text().split("\n")
                                                         if not line.startswith(("99\t", "100\t"))))
    before = folder_hash(content)
    refused = run_import(shorter, "--content", content)
    assert refused.returncode != 0 and "Traceback" not in refused.stderr
    removed = [line for line in refused.stderr.splitlines() if "this import would remove it" in line]
    assert len(removed) == 2
    assert removed[0].startswith(str(content / "matters" / "099-")) and ":1: matter 99 《" in removed[0]
    assert "--allow-removals" in refused.stderr
    assert folder_hash(content) == before

    allowed = run_import(shorter, "--content", content, "--allow-removals")
    assert allowed.returncode == 0, allowed.stderr
    names = sorted(path.name[:4] for path in (content / "matters").glob("*.md"))
    assert len(names) == 98 and names[-1] == "098-"
    assert "removed: 099-" in allowed.stdout and "removed: 100-" in allowed.stdout


def test_dry_run_prints_the_change_in_the_lists_terms_and_writes_nothing(content, tmp_path):
    text = table_text()
    revised = text.replace("社区工作者招聘\t", "社区工作者招聘与管理\t", 1)
    revised = "\n".join(line for line in revised.split("\n") if not line.startswith("100\t"))
    table = write(tmp_path / "revised.txt", revised)
    before = folder_hash(content)
    result = run_import(table, "--content", content, "--dry-run")
    assert result.returncode == 0, result.stderr
    assert folder_hash(content) == before
    assert "社区工作者招聘与管理" in result.stdout  # the retitled matter, as diff shows it
    assert "needs --allow-removals" in result.stdout
    assert "Nothing was written" in result.stdout
    assert not list((content / "matters").glob(".*"))


def test_dry_run_of_the_same_table_reports_no_change(content):
    result = run_import(TABLE, "--content", content, "--dry-run")
    assert result.returncode == 0 and "unchanged 100" in result.stdout


def test_a_table_that_would_fail_check_is_refused_with_its_row(content, tmp_path):
    """What only ``check`` sees (here a heading naming a department the matter does not list) stops the import."""
    broken = table_text().replace("\t青山区关工委\t", "\t青山区纪委监委\t", 1)
    table = write(tmp_path / "broken.txt", broken)
    before = folder_hash(content)
    with pytest.raises(ContentErrors) as failure:
        import_table(table, content)
    assert folder_hash(content) == before
    messages = [str(error) for error in failure.value.errors]
    assert messages and all(message.startswith(("broken.txt:9: matter 3:", f"{table}:9: matter 3:"))
                            for message in messages), messages


def test_a_missing_matters_folder_is_an_empty_list(tmp_path):
    folder = copy_content(tmp_path / "content")
    (folder / "matters").rmdir()
    report = import_table(TABLE, folder)
    assert len(report.added) == 100 and len(list((folder / "matters").glob("*.md"))) == 100


def test_an_interrupted_commit_leaves_the_old_list(content, tmp_path, monkeypatch):
    """A failure while the new files are written (a full disk) changes nothing and leaves no temporary file."""
    from generator.importing import importer

    revised = write(tmp_path / "revised.txt", table_text().replace("社区工作者招聘\t", "社区工作者招聘与管理\t", 1)
                    .replace("3.对拒不退还的进行起诉追缴。", "3.对拒不退还的依法起诉追缴。"))
    before = folder_hash(content)
    written: list[Path] = []

    def full_disk(path: Path, text: str) -> None:
        if written:
            raise OSError(28, "No space left on device")
        written.append(path)
        path.write_text(text, encoding="utf-8")

    monkeypatch.setattr(importer, "_write_durably", full_disk)
    with pytest.raises(ContentErrors) as failure:
        import_table(revised, content)
    assert "No space left on device" in failure.value.report()
    assert folder_hash(content) == before


@pytest.fixture
def ctrl_c_interrupts():
    """Ctrl-C raises KeyboardInterrupt during the test, as in a terminal. A test run started in the
    background of a shell without job control inherits SIGINT ignored, and Python keeps it so."""
    import signal

    previous = signal.signal(signal.SIGINT, signal.default_int_handler)
    yield
    signal.signal(signal.SIGINT, previous)


def test_signals_wait_for_the_last_rename(content, tmp_path, monkeypatch, ctrl_c_interrupts):
    """SIGINT during the renames is delivered after them: the list is wholly new, then the import stops."""
    import signal

    from generator.importing import importer

    revised = write(tmp_path / "revised.txt", table_text().replace("社区工作者招聘\t", "社区工作者招聘与管理\t", 1)
                    .replace("3.对拒不退还的进行起诉追缴。", "3.对拒不退还的依法起诉追缴。"))
    replace = os.replace
    calls: list[str] = []

    def interrupted_replace(source, target):
        if not calls:
            signal.raise_signal(signal.SIGINT)
        calls.append(str(target))
        replace(source, target)

    monkeypatch.setattr(importer.os, "replace", interrupted_replace)
    with pytest.raises(KeyboardInterrupt):
        import_table(revised, content)
    assert len(calls) == 2
    texts = [path.read_text(encoding="utf-8") for path in (content / "matters").glob("0[01]*.md")]
    assert any("社区工作者招聘与管理" in text for text in texts)
    assert any("依法起诉追缴" in text for text in texts)
    assert not list((content / "matters").glob(".*"))


def test_import_help_is_chinese_by_default():
    result = subprocess.run([sys.executable, "-m", "generator", "import", "--help"], cwd=REPO, capture_output=True,
                            text=True, timeout=TIME_BOUND, env={**os.environ, "LVZHI_LANG": "zh"})
    assert result.returncode == 0
    assert "--allow-removals" in result.stdout and "允许导入删除表中已没有的事项" in result.stdout


def test_refusals_are_chinese_by_default(content, tmp_path):
    result = subprocess.run([sys.executable, "-m", "generator", "import", str(tmp_path / "nothing.xlsx"),
                             "--content", str(content)], cwd=REPO, capture_output=True, text=True,
                            timeout=TIME_BOUND, env={**os.environ, "LVZHI_LANG": "zh"})
    assert result.returncode != 0 and "没有这个文件" in result.stderr
