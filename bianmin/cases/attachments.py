"""Attachments: checked by size and by their first bytes (not just the name), stored under the data dir."""

from __future__ import annotations

import hashlib
from pathlib import PurePath

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from bianmin.cases.models import Case, CaseAttachment
from bianmin.cases.services import may_take, perform, transitions_for
from bianmin.cases.workflow import Action
from bianmin.errors import InvalidInput
from bianmin.org.models import User

# extension → (content type, accepted leading bytes); a file must match both its name and its content.
KINDS: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    ".doc": ("application/msword", (b"\xd0\xcf\x11\xe0",)),
    ".xls": ("application/vnd.ms-excel", (b"\xd0\xcf\x11\xe0",)),
    ".mp3": ("audio/mpeg", (b"ID3", b"\xff\xfb", b"\xff\xf3", b"\xff\xf2")),
    ".wav": ("audio/wav", (b"RIFF",)),
    ".amr": ("audio/amr", (b"#!AMR",)),
    ".txt": ("text/plain; charset=utf-8", ()),
}


def _content_type(name: str, head: bytes) -> str:
    extension = PurePath(name).suffix.lower()
    if extension not in KINDS:
        allowed = " ".join(sorted(KINDS))
        raise InvalidInput({"file": _("This type of file is not accepted. Accepted: %(types)s") % {"types": allowed}})
    content_type, signatures = KINDS[extension]
    if extension == ".txt":
        try:
            head.decode("utf-8")
        except UnicodeDecodeError:
            if len(head) < 2048:  # a cut multi-byte character at the end of a longer head is fine
                raise InvalidInput({"file": _("The file's content does not match its name.")}) from None
        if b"\x00" in head:
            raise InvalidInput({"file": _("The file's content does not match its name.")})
        return content_type
    if not any(head.startswith(signature) for signature in signatures):
        raise InvalidInput({"file": _("The file's content does not match its name.")})
    return content_type


def add_attachment(
    case: Case, *, actor: User | None, upload: UploadedFile[bytes], by_citizen: bool = False
) -> CaseAttachment:
    """Attach `upload` to `case` and record it in the case's history, if `actor` (or the proven citizen) may."""
    if upload.size is None or upload.size > settings.ATTACHMENT_MAX_BYTES:
        limit = settings.ATTACHMENT_MAX_BYTES // (1024 * 1024)
        raise InvalidInput({"file": _("A file may be at most %(mb)s MB.") % {"mb": limit}})
    if upload.size == 0:
        raise InvalidInput({"file": _("The file is empty.")})
    name = PurePath(upload.name or "file").name[-200:]
    head = upload.read(2048)
    upload.seek(0)
    content_type = _content_type(name, head)
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    # The file is stored before the action is decided, so a slow upload never holds the case up; the
    # action (the row `workflow.ATTACH`) decides who may attach and writes the row with the event.
    attachment = CaseAttachment(
        name=name, size=upload.size, content_type=content_type, sha256=digest.hexdigest(), uploaded_by=actor
    )
    attachment.file.save(name, upload, save=False)
    try:
        perform(case, Action.ATTACH, actor=actor, by_citizen=by_citizen, file=attachment)
    except Exception:
        attachment.file.delete(save=False)  # no row, no file: nothing half-written
        raise
    return attachment


def may_attach(case: Case, user: User) -> bool:
    """Whether `user` may attach a file to `case` now (the pages show the upload form only then)."""
    row = transitions_for(case)[Action.ATTACH]
    return row.applies_to(case) and may_take(case, row, user)
