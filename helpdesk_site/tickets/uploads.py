"""What may be attached to a ticket: checked by content, not by name."""

import zipfile
from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
# An Office Open XML file is a ZIP archive; the main part among its members
# says which kind it is, wherever in the archive the program put it.
OFFICE_MAIN_PARTS = {
    "word/document.xml": DOCX,
    "xl/workbook.xml": XLSX,
    "ppt/presentation.xml": PPTX,
}
OFFICE_TYPES = {DOCX, XLSX, PPTX}

# Detected content type -> the file name endings it may carry.
ALLOWED_TYPES = {
    "image/png": {".png"},
    "image/jpeg": {".jpg", ".jpeg"},
    "image/gif": {".gif"},
    "image/webp": {".webp"},
    "application/pdf": {".pdf"},
    ZIP: {".zip"},
    DOCX: {".docx"},
    XLSX: {".xlsx"},
    PPTX: {".pptx"},
    "text/plain": {".txt", ".log"},
}
SNIFF_BYTES = 8192


@dataclass(frozen=True)
class CheckedUpload:
    file: object
    content_type: str


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    for encoding in ("utf-8", "gb18030"):
        try:
            head.decode(encoding)
            return True
        except UnicodeDecodeError:
            # The sample may end inside a multi-byte character.
            try:
                head[:-3].decode(encoding)
                return True
            except UnicodeDecodeError:
                continue
    return False


def detect_content_type(head: bytes) -> str | None:
    kind = filetype.guess(head)
    if kind is not None:
        return kind.mime
    if head and _looks_like_text(head):
        return "text/plain"
    return None


def zip_content_type(uploaded) -> str | None:
    """What a ZIP archive holds, read from its list of members (nothing is
    unpacked): a Word, Excel or PowerPoint file when it has the parts of one,
    otherwise a plain archive; None when it is no readable archive."""
    uploaded.seek(0)
    try:
        with zipfile.ZipFile(uploaded) as archive:
            members = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return None
    finally:
        uploaded.seek(0)
    if "[Content_Types].xml" in members:
        for part, content_type in OFFICE_MAIN_PARTS.items():
            if part in members:
                return content_type
    return ZIP


def check_upload(uploaded) -> CheckedUpload:
    """Raise ValidationError unless the file is small enough and its content
    is one of the allowed types, matching its name's ending."""
    name = uploaded.name or ""
    if uploaded.size > settings.ATTACHMENT_MAX_BYTES:
        raise ValidationError(
            _("%(name)s is too large (%(size)s); the limit is %(limit)s.")
            % {
                "name": name,
                "size": filesizeformat(uploaded.size),
                "limit": filesizeformat(settings.ATTACHMENT_MAX_BYTES),
            }
        )
    if uploaded.size == 0:
        raise ValidationError(_("%(name)s is empty.") % {"name": name})
    uploaded.seek(0)
    head = uploaded.read(SNIFF_BYTES)
    uploaded.seek(0)
    content_type = detect_content_type(head)
    if content_type == ZIP or content_type in OFFICE_TYPES:
        # The first bytes show a ZIP archive, and at most guess what is in it.
        content_type = zip_content_type(uploaded)
    ending = PurePath(name).suffix.lower()
    if content_type not in ALLOWED_TYPES:
        raise ValidationError(
            _(
                "%(name)s is not an accepted kind of file. Accepted: images (PNG, JPEG, "
                "GIF, WebP), PDF, Word, Excel and PowerPoint documents, ZIP archives and plain "
                "text."
            )
            % {"name": name}
        )
    if ending not in ALLOWED_TYPES[content_type]:
        raise ValidationError(
            _("%(name)s does not contain what its name says (its content is %(type)s).")
            % {"name": name, "type": content_type}
        )
    return CheckedUpload(uploaded, content_type)


def check_uploads(files) -> list[CheckedUpload]:
    if len(files) > settings.ATTACHMENT_MAX_FILES:
        raise ValidationError(
            _("At most %(count)d files can be attached at once.")
            % {"count": settings.ATTACHMENT_MAX_FILES}
        )
    errors, checked = [], []
    for uploaded in files:
        try:
            checked.append(check_upload(uploaded))
        except ValidationError as error:
            errors.extend(error.messages)
    if errors:
        raise ValidationError(errors)
    return checked


class PartHeaderCheck:
    """Reads a multipart body through to Django's parser, noting any part whose
    headers are not UTF-8.

    Django's parser treats such a part as if it had no headers and drops it
    without a word, so an attachment named in another encoding (GBK, say)
    would vanish; with this the caller can refuse the request instead.
    Part headers begin right after a boundary line, which cannot occur inside
    a part, so file contents are never mistaken for headers.
    """

    # Django refuses a part's headers longer than this anyway.
    MAX_HEADERS = 64 * 1024

    def __init__(self, stream, boundary: bytes):
        self._stream = stream
        self._marker = b"--" + boundary + b"\r\n"
        self._pending = b""
        self.undecodable = False

    def read(self, size=-1):
        data = self._stream.read(size)
        if data and not self.undecodable:
            self._scan(data)
        return data

    def _scan(self, data: bytes) -> None:
        text = self._pending + data
        start = 0
        while (found := text.find(self._marker, start)) != -1:
            headers_start = found + len(self._marker)
            end = text.find(b"\r\n\r\n", headers_start)
            if end == -1:
                # The headers go on in the next read.
                self._pending = text[found : found + len(self._marker) + self.MAX_HEADERS]
                return
            try:
                text[headers_start:end].decode("utf-8")
            except UnicodeDecodeError:
                self.undecodable = True
                return
            start = end + 4
        # Keep enough of the end to find a boundary line split across reads.
        self._pending = text[max(start, len(text) - len(self._marker) + 1) :]
