"""The keepers' language: Chinese by default, English on request, a complete catalogue."""
from __future__ import annotations

import gettext
import io
import os
import subprocess
import sys

import pytest

from generator import i18n
from tests.conftest import REPO, load_script


@pytest.fixture(scope="module")
def catalogue_tool():
    return load_script("update_catalog")


def test_every_message_has_chinese_and_the_catalogue_has_no_stale_entry(catalogue_tool):
    messages = catalogue_tool.extract()
    entries = i18n.parse_po(i18n.catalogue_path().read_text(encoding="utf-8"))
    assert messages, "no message marked for translation was found"
    assert catalogue_tool.problems(messages, entries) == []


def test_the_catalogue_is_written_as_the_tool_writes_it(catalogue_tool):
    """The committed .po is what update_catalog.py makes of it: no hand-made order or format drift."""
    text = i18n.catalogue_path().read_text(encoding="utf-8")
    assert catalogue_tool.render(catalogue_tool.extract(), i18n.parse_po(text)) == text


def test_problems_finds_missing_stale_untranslated_and_placeholder_mismatch(catalogue_tool):
    message = catalogue_tool.Message
    entry = i18n.PoEntry
    messages = [message("new {name}", None, "a.py"), message("blank", None, "a.py"),
                message("moved {a}", None, "b.py")]
    entries = [entry("", None, ("header",)), entry("blank", None, ("",)), entry("moved {a}", None, ("搬 {b}",)),
               entry("gone", None, ("旧",))]
    found = catalogue_tool.problems(messages, entries)
    assert any(text.startswith("not in the catalogue: 'new {name}'") for text in found)
    assert any(text.startswith("no Chinese: 'blank'") for text in found)
    assert any(text.startswith("placeholders differ: 'moved {a}'") for text in found)
    assert any(text.startswith("stale (no longer used): 'gone'") for text in found)
    assert len(found) == 4


def test_po_parsing_and_mo_compilation_round_trip_through_stdlib_gettext():
    text = '''msgid ""
msgstr ""
"Content-Type: text/plain; charset=UTF-8\\n"
"Plural-Forms: nplurals=1; plural=0;\\n"

# a comment
msgid "file is missing"
msgstr "文件不存在"

msgid "two"
" lines \\"quoted\\"\\n"
msgstr "两行"

msgid "{count} error."
msgid_plural "{count} errors."
msgstr[0] "共 {count} 处错误。"

msgid "not yet"
msgstr ""
'''
    entries = i18n.parse_po(text)
    assert [entry.msgid for entry in entries] == ["", "file is missing", 'two lines "quoted"\n', "{count} error.",
                                                  "not yet"]
    translations = gettext.GNUTranslations(io.BytesIO(i18n.compile_mo(entries)))
    assert translations.gettext("file is missing") == "文件不存在"
    assert translations.gettext('two lines "quoted"\n') == "两行"
    assert translations.ngettext("{count} error.", "{count} errors.", 5) == "共 {count} 处错误。"
    assert translations.gettext("not yet") == "not yet"  # untranslated: the English text


@pytest.mark.parametrize("bad", ['msgid "a"\nmsgstr b\n', '"orphan"\n', 'msgfoo "x"\n'])
def test_a_malformed_catalogue_is_refused(bad):
    with pytest.raises(ValueError):
        i18n.parse_po(bad)


def test_language_follows_the_environment(monkeypatch):
    monkeypatch.delenv(i18n.ENVIRONMENT_VARIABLE)
    assert i18n.use_language() == "zh"
    assert i18n._("usage: ") == "用法："
    monkeypatch.setenv(i18n.ENVIRONMENT_VARIABLE, "en_US")
    assert i18n.use_language() == "en"
    assert i18n._("usage: ") == "usage: "
    assert i18n.use_language("zh") == "zh"


def _run(*args: str, language: str | None = None) -> subprocess.CompletedProcess:
    env = {key: value for key, value in os.environ.items() if key != i18n.ENVIRONMENT_VARIABLE}
    if language:
        env[i18n.ENVIRONMENT_VARIABLE] = language
    return subprocess.run([sys.executable, "-m", "generator", *args], cwd=REPO, env=env,
                          capture_output=True, text=True, timeout=60)


def test_help_and_errors_are_chinese_by_default_and_english_on_request(tmp_path):
    help_text = _run("--help").stdout
    assert "用法：" in help_text and "显示本帮助并退出" in help_text
    missing = _run("check", "--content", str(tmp_path / "none"))
    assert missing.returncode == 1 and "共 4 处错误。" in missing.stderr
    english = _run("check", "--lang", "en", "--content", str(tmp_path / "none"))
    assert "4 errors." in english.stderr and "错误" not in english.stderr
    assert "usage:" in _run("--help", language="en").stdout
    assert "无法识别的参数" in _run("check", "--bogus").stderr
