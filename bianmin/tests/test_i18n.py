"""The committed catalogues (the project's and each app's own) are complete, each compiled .mo matches its .po
source, and each entry reads at run time as its catalogue says."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.utils import translation

PACKAGE = Path(__file__).resolve().parents[1]
CATALOGUES = sorted(PACKAGE.glob("**/locale/zh_Hans/LC_MESSAGES/django.po"))


def test_the_project_catalogue_is_there():
    assert PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po" in CATALOGUES


@pytest.mark.parametrize("source", CATALOGUES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_every_message_is_translated(source):
    po = polib.pofile(str(source))
    assert po.untranslated_entries() == []
    assert po.fuzzy_entries() == []


@pytest.mark.parametrize("source", CATALOGUES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_the_compiled_catalogue_matches_the_source(source):
    po = polib.pofile(str(source))
    mo = polib.mofile(str(source.with_suffix(".mo")))
    # One msgid may stand in several contexts (pgettext), each with its own translation.
    compiled = {(entry.msgctxt, entry.msgid): entry.msgstr for entry in mo}
    assert {(entry.msgctxt, entry.msgid): entry.msgstr for entry in po.translated_entries()} == {
        k: v for k, v in compiled.items() if k[1]
    }, "run scripts/i18n to recompile the catalogues"


def shown(entry: polib.POEntry) -> str:
    """What a zh-hans reader sees for `entry` at run time."""
    if entry.msgid_plural:
        if entry.msgctxt:
            return translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1)
        return translation.ngettext(entry.msgid, entry.msgid_plural, 1)
    return translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else translation.gettext(entry.msgid)


@pytest.mark.parametrize("source", CATALOGUES, ids=lambda path: str(path.relative_to(PACKAGE)))
def test_every_entry_reads_as_its_catalogue_says(source):
    """The project catalogue (bianmin/locale) is read before the apps', and an app listed earlier before a later
    one: a msgid they also translate shows their words ("Code" came out as 验证码 in the pension workbook, the
    datatype "Number" as 编号). Such a msgid needs a context of its own."""
    entries = [e for e in polib.pofile(str(source)) if not e.obsolete and e.translated()]
    with translation.override("zh-hans"):
        wrong = {
            (e.msgctxt, e.msgid): (written, shown(e))
            for e in entries
            if shown(e) != (written := e.msgstr_plural[0] if e.msgid_plural else e.msgstr)
        }
    assert wrong == {}
