"""The shared upload check knows Word, Excel and PowerPoint files by what
their archive holds, not by their name or by where the program put the
parts: a renamed ZIP archive or program is refused with a Chinese message."""

import io
import zipfile

import docx
import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from helpdesk_site.tickets.uploads import DOCX, PPTX, XLSX, ZIP, check_upload
from tests.factories import pptx_slides as slides


def archive(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as out:
        for name, content in members.items():
            out.writestr(name, content)
    return buffer.getvalue()


def word_document() -> bytes:
    document = docx.Document()
    document.add_paragraph("电子证照操作手册")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def workbook() -> bytes:
    book = openpyxl.Workbook()
    book.active["A1"] = "题目"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def refusal(name: str, content: bytes) -> str:
    with translation.override("zh-hans"), pytest.raises(ValidationError) as refused:
        check_upload(SimpleUploadedFile(name, content))
    return " ".join(refused.value.messages)


@pytest.mark.parametrize(
    "name,content,expected",
    [
        ("培训课件.pptx", slides, PPTX),
        ("操作手册.docx", word_document, DOCX),
        ("题库.xlsx", workbook, XLSX),
        ("日志.zip", lambda: archive({"a.log": b"error"}), ZIP),
    ],
)
def test_office_files_and_archives_are_accepted_by_their_content(name, content, expected):
    checked = check_upload(SimpleUploadedFile(name, content()))
    assert checked.content_type == expected
    # The file is handed on from its beginning, to be stored whole.
    assert checked.file.read(2) == b"PK"


def test_a_zip_archive_renamed_to_slides_is_refused():
    message = refusal("课件.pptx", archive({"slide1.xml": b"<p:sld/>", "notes.txt": b"x"}))
    assert "课件.pptx" in message and "内容与文件名不符" in message and ZIP in message


def test_slides_renamed_to_a_word_document_are_refused():
    message = refusal("手册.docx", slides())
    assert "内容与文件名不符" in message and PPTX in message


def test_a_program_renamed_to_slides_is_refused():
    message = refusal("课件.pptx", b"MZ\x90\x00\x03" + bytes(300))
    assert "不是可接受的文件类型" in message and "PowerPoint" in message


def test_a_broken_archive_is_refused():
    message = refusal("课件.pptx", slides()[:200])
    assert "不是可接受的文件类型" in message
