"""Checks of uploaded files, shared by every upload (DESIGN §8): the size against the settings
(LINLI_MAX_UPLOAD_MB for photos and documents, LINLI_MAX_IMPORT_MB for spreadsheets) and the type
by the file's own first bytes, never by its name or by the Content-Type the client sent.

A spreadsheet is a zip archive, and a small one can expand a hundredfold (273 KB of shared strings
became 90 MB, 47 s and 876 MB of memory inside openpyxl): its entries are counted and their
uncompressed sizes added up from the archive's directory before openpyxl opens it (DESIGN §5 v1.1).
Python's zipfile never yields more than an entry's recorded size, so the directory can be trusted."""

import io
import math
import zipfile

from django.conf import settings
from django.utils.translation import gettext as _

from openpyxl import load_workbook

from .errors import ValidationFailed

PDF, JPEG, PNG, WEBP, XLSX = "pdf", "jpeg", "png", "webp", "xlsx"
IMAGES = (JPEG, PNG, WEBP)
DOCUMENTS = (PDF, JPEG, PNG)  # scanned or photographed paper: proofs of title, signed proxies

CONTENT_TYPES = {
    PDF: "application/pdf",
    JPEG: "image/jpeg",
    PNG: "image/png",
    WEBP: "image/webp",
    XLSX: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png", WEBP: "webp", XLSX: "xlsx"}
LABELS = {PDF: "PDF", JPEG: "JPG", PNG: "PNG", WEBP: "WebP", XLSX: "Excel（.xlsx）"}


def _is_workbook(file) -> bool:
    """An .xlsx is a zip archive with a workbook part; other zips (.docx, .zip) are not."""
    try:
        with zipfile.ZipFile(file) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return False
    finally:
        file.seek(0)
    return "[Content_Types].xml" in names and "xl/workbook.xml" in names


def sniff(file) -> str | None:
    """The kind of the file from its content, or None for anything we do not accept."""
    head = file.read(16)
    file.seek(0)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04") and _is_workbook(file):
        return XLSX
    return None


def limit_megabytes(kinds):
    return settings.LINLI_MAX_IMPORT_MB if XLSX in kinds else settings.LINLI_MAX_UPLOAD_MB


def _choices(kinds) -> str:
    labels = [LABELS[k] for k in kinds]
    return labels[0] if len(labels) == 1 else _("%(first)s 或 %(last)s") % {"first": "、".join(labels[:-1]),
                                                                          "last": labels[-1]}


def check_workbook(file, *, field: str = "file", max_uncompressed_mb: int | None = None,
                   advice: str | None = None) -> None:
    """Refuse an .xlsx archive of more than LINLI_MAX_XLSX_ENTRIES entries or one that expands
    beyond `max_uncompressed_mb` (default LINLI_MAX_XLSX_UNCOMPRESSED_MB), without expanding it;
    `advice` tells the user what to do instead."""
    limit_mb = max_uncompressed_mb or settings.LINLI_MAX_XLSX_UNCOMPRESSED_MB
    try:
        with zipfile.ZipFile(file) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, OSError, EOFError, ValueError):
        return  # not an archive at all: reading it fails with the message about the file's type
    finally:
        file.seek(0)
    if len(entries) > settings.LINLI_MAX_XLSX_ENTRIES:
        message = _("表格文件的内部结构过于复杂（%(count)s 个部件，上限 %(limit)s 个），无法读取。") % {
            "count": len(entries), "limit": settings.LINLI_MAX_XLSX_ENTRIES}
        raise ValidationFailed(message, code="xlsx_too_complex", fields={field: [message]})
    size = sum(entry.file_size for entry in entries)
    if size > limit_mb * 1024 * 1024:
        message = _("表格文件解压后约 %(size)s MB，超过 %(limit)s MB 的上限，未读取。") % {
            "size": math.ceil(size / (1024 * 1024)), "limit": limit_mb}
        message += advice or _("请删去多余的工作表和格式，或拆成几个文件分别导入。")
        raise ValidationFailed(message, code="xlsx_too_large", fields={field: [message]})


def open_workbook(data: bytes, *, max_uncompressed_mb: int | None = None, advice: str | None = None):
    """The one place an uploaded .xlsx is opened: checked by `check_workbook` first, then read
    by openpyxl row by row (read-only, values not formulas). openpyxl's own errors pass through."""
    check_workbook(io.BytesIO(data), max_uncompressed_mb=max_uncompressed_mb, advice=advice)
    return load_workbook(io.BytesIO(data), read_only=True, data_only=True)


def check_upload(file, *, field: str, what: str, kinds) -> str:
    """The kind of an uploaded file that is small enough and of one of `kinds`; otherwise a
    ValidationFailed naming `what` (照片, 委托书 …) on `field`, in the user's language."""
    megabytes = limit_megabytes(kinds)
    if file.size > megabytes * 1024 * 1024:
        message = _("%(what)s不能超过 %(mb)s MB。") % {"what": what, "mb": megabytes}
        raise ValidationFailed(message, code="file_too_large", fields={field: [message]})
    kind = sniff(file)
    if kind not in kinds:
        message = _("%(what)s须为 %(types)s 格式的文件。") % {"what": what, "types": _choices(kinds)}
        raise ValidationFailed(message, code="file_type", fields={field: [message]})
    if kind == XLSX:
        check_workbook(file, field=field)
    return kind


def check_photo(photo, *, field: str = "photos", kinds=IMAGES) -> str:
    """A photo of one of `kinds`, within the size limit: its content type, or ValidationFailed."""
    return CONTENT_TYPES[check_upload(photo, field=field, what=_("照片"), kinds=kinds)]
