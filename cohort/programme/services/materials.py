"""Materials: a link or a small file (type checked by name and content) on a session."""

import re
from urllib.parse import urlsplit

from cohort.cohorts.services import ensure_changeable
from cohort.extensions import db
from cohort.programme.models import Material, ProgrammeSession
from cohort.programme.services.errors import ProgrammeError

__all__ = [
    "ALLOWED_FILES", "MAX_MATERIAL_BYTES", "add_material", "get_material", "remove_material",
]

ALLOWED_FILES = {
    # extension: (content type, how the file must begin)
    "pdf": ("application/pdf", (b"%PDF-",)),
    "png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    "jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    "docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", (b"PK\x03\x04",)),
    "pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", (b"PK\x03\x04",)),
    "xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", (b"PK\x03\x04",)),
    "txt": ("text/plain", ()),
    "csv": ("text/csv", ()),
}
MAX_MATERIAL_BYTES = 5 * 1024 * 1024


def add_material(acting, session: ProgrammeSession, title: str, url: str | None = None,
                 filename: str | None = None, data: bytes | None = None) -> Material:
    """Attach a link or a file (type checked by name and by content) to a session."""
    ensure_changeable(session.cohort)
    title = (title or "").strip()
    if not title:
        raise ProgrammeError("Enter a title for the material", "title")
    if bool(url) == bool(data):
        raise ProgrammeError("Give either a link or a file", "url")
    material = Material(session_id=session.id, title=title[:200])
    if url:
        parts = urlsplit(url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise ProgrammeError("Enter a link that starts with https:// or http://", "url")
        material.url = url.strip()
    else:
        extension = (filename or "").rsplit(".", 1)[-1].lower() if "." in (filename or "") else ""
        if extension not in ALLOWED_FILES:
            raise ProgrammeError("The file must be a PDF, Word, PowerPoint, Excel, image, text or CSV file",
                                 "file")
        if len(data) > MAX_MATERIAL_BYTES:
            raise ProgrammeError("The file must be 5 MB or smaller", "file")
        content_type, signatures = ALLOWED_FILES[extension]
        if signatures and not data.startswith(signatures):
            raise ProgrammeError(f"The file's content is not a .{extension} file", "file")
        if not signatures:
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as error:
                raise ProgrammeError("A text or CSV file must be UTF-8 text", "file") from error
        material.filename = re.sub(r"[^A-Za-z0-9._ -]", "_", filename)[-200:]
        material.content_type, material.size, material.data = content_type, len(data), data
    db.session.add(material)
    db.session.flush()
    return material


def get_material(session: ProgrammeSession, material_id: int) -> Material | None:
    material = db.session.get(Material, material_id)
    return material if material is not None and material.session_id == session.id else None


def remove_material(acting, material: Material) -> None:
    ensure_changeable(material.session.cohort)
    db.session.delete(material)
    db.session.flush()
