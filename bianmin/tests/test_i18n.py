"""The committed catalogues (the project's and each app's own) are complete and each compiled .mo matches its
.po source."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

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
