"""Materials: a link or a small file (checked by core.uploads.accept_upload: name, kind,
content and the MATERIAL_UPLOAD_MB limit) on a session."""


from cohort.cohorts.services import ensure_changeable
from cohort.core.forms import is_web_link
from cohort.core.uploads import accept_upload
from cohort.extensions import db
from cohort.programme.models import Material, ProgrammeSession
from cohort.programme.services.errors import ProgrammeError

__all__ = ["add_material", "get_material", "remove_material"]


def add_material(acting, session: ProgrammeSession, title: str, url: str | None = None,
                 filename: str | None = None, data: bytes | None = None) -> Material:
    """Attach a link or a file to a session; raises ProgrammeError, or UploadError for a file
    refused by name, size or content."""
    ensure_changeable(session.cohort)
    title = (title or "").strip()
    if not title:
        raise ProgrammeError("Enter a title for the material", "title")
    if filename and data is not None and not data and not url:
        raise ProgrammeError(f"The file {filename} is empty: choose a file with something in "
                             "it, or give a link", "file")
    if bool(url) == bool(data):
        raise ProgrammeError("Give either a link or a file", "url")
    if url and not is_web_link(url):
        raise ProgrammeError("Enter a link that starts with https:// or http://", "url")
    # Checked before anything is written, so the check holds no database lock.
    checked = accept_upload(filename or "", data, purpose="material") if data else None
    material = Material(session_id=session.id, title=title[:200])
    if url:
        material.url = url.strip()
    else:
        material.filename, material.content_type = checked.filename, checked.content_type
        material.size, material.data = checked.size, checked.data
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
