"""What the app's catalogue says is what a zh-hans reader sees. The project catalogue (bianmin/locale) and the
apps listed before this one are read first, so a msgid they also translate shows their words: the datatype
"Number" came out as 编号 (an identifier) and the public status "Closed" as 已归档. Every entry here must read
the same at run time (which also catches a django.mo left stale after the .po changed)."""

from __future__ import annotations

from pathlib import Path

import polib
from django.utils import translation

CATALOGUE = Path(__file__).resolve().parents[1] / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"


def shown(entry: polib.POEntry) -> str:
    if entry.msgid_plural:
        text = translation.npgettext(entry.msgctxt, entry.msgid, entry.msgid_plural, 1) if entry.msgctxt else None
        return text or translation.ngettext(entry.msgid, entry.msgid_plural, 1)
    return translation.pgettext(entry.msgctxt, entry.msgid) if entry.msgctxt else translation.gettext(entry.msgid)


def test_every_entry_of_the_catalogue_reads_as_written():
    entries = [e for e in polib.pofile(str(CATALOGUE)) if not e.obsolete]
    assert entries and not [e.msgid for e in entries if not e.translated() or "fuzzy" in e.flags]
    with translation.override("zh-hans"):
        wrong = {
            (e.msgctxt, e.msgid): (e.msgstr_plural[0] if e.msgid_plural else e.msgstr, shown(e))
            for e in entries
            if shown(e) != (e.msgstr_plural[0] if e.msgid_plural else e.msgstr)
        }
    assert wrong == {}
