"""Materials: a link or a small file (type checked by name and content) on a session."""

from urllib.parse import urlsplit

from cohort.cohorts.services import ensure_changeable
from cohort.core.uploads import KINDS, check_upload
from cohort.extensions import db
from cohort.programme.models import Material, ProgrammeSession
from cohort.programme.services.errors import ProgrammeError

__all__ = [
    "ALLOWED_FILES", "MAX_MATERIAL_BYTES", "add_material", "get_material", "remove_material",
]

# A material may be any kind of file the upload checks know.
ALLOWED_FILES = tuple(KINDS)
MAX_MATERIAL_BYTES = 5 * 1024 * 1024


def add_material(acting, session: ProgrammeSession, title: str, url: str | None = None,
                 filename: str | None = None, data: bytes | None = None) -> Material:
    """Attach a link or a file to a session; raises ProgrammeError, or UploadError for a file
    refused by name, size or content."""
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
        upload = check_upload(filename or "", data, ALLOWED_FILES, max_bytes=MAX_MATERIAL_BYTES)
        material.filename, material.content_type = upload.filename, upload.content_type
        material.size, material.data = upload.size, data
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
