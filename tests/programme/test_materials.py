"""Session materials: links and small files, checked by name and content, served as attachments."""

import io

import pytest
from sqlalchemy import func, select

from cohort.core.database import commit
from cohort.extensions import db
from cohort.programme import services
from cohort.programme.models import Material
from tests.helpers import csrf_from

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _count() -> int:
    db.session.rollback()
    return db.session.execute(select(func.count()).select_from(Material)).scalar_one()


def _session_url(session) -> str:
    return f"/cohorts/{session.cohort_id}/sessions/{session.id}"


def _add(client, session, **data):
    """POST the add-material form as the session page builds it; returns the page it lands on."""
    token = csrf_from(client.get(_session_url(session)))
    files = data.pop("file", None)
    form = {"csrf_token": token, "title": "", "url": "", **data}
    if files is not None:
        form["file"] = (io.BytesIO(files[1]), files[0])
    response = client.post(_session_url(session) + "/materials", data=form,
                           content_type="multipart/form-data")
    assert response.status_code == 302
    assert response.headers["Location"] == _session_url(session)
    return client.get(response.headers["Location"]).get_data(as_text=True)


@pytest.fixture
def workshop(programme, make_session):
    return make_session(programme.cohort, "Workshop 1")


def test_a_link_is_added_and_redirects(as_facilitator, workshop):
    page = _add(as_facilitator, workshop, title="Reading list", url="https://example.org/read")
    assert "The material has been added." in page and "Reading list" in page
    material = db.session.execute(select(Material)).scalar_one()
    response = as_facilitator.get(f"{_session_url(workshop)}/materials/{material.id}")
    assert response.status_code == 302
    assert response.headers["Location"] == "https://example.org/read"


def test_a_pdf_is_uploaded_and_downloaded_as_an_attachment(as_facilitator, new_client, login,
                                                           programme, workshop):
    page = _add(as_facilitator, workshop, title="Slides", file=("slides 1.pdf", PDF))
    assert "The material has been added." in page
    assert "slides 1.pdf" in page
    material = db.session.execute(select(Material)).scalar_one()
    assert (material.content_type, material.size) == ("application/pdf", len(PDF))

    participant = new_client()
    login(programme.participant, the_client=participant)
    assert "Slides" in participant.get(_session_url(workshop)).get_data(as_text=True)
    response = participant.get(f"{_session_url(workshop)}/materials/{material.id}")
    assert response.status_code == 200
    assert response.get_data() == PDF
    assert response.mimetype == "application/pdf"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"slides 1.pdf\"; filename*=UTF-8''slides%201.pdf")
    assert response.headers["X-Content-Type-Options"] == "nosniff"


@pytest.mark.parametrize(("filename", "content", "message"), [
    ("slides.pdf", b"<html><script>alert(1)</script></html>", "The file&#39;s content is not a .pdf file"),
    ("setup.exe", b"MZ\x90\x00" + b"\x00" * 100, "The file must be a PDF, Word, PowerPoint, Excel"),
    ("slides", PDF, "The file must be a PDF, Word, PowerPoint, Excel"),
    ("page.html", b"<html></html>", "The file must be a PDF, Word, PowerPoint, Excel"),
    ("notes.txt", b"\xff\xfe\x00bad", "A text or CSV file must be UTF-8 text"),
    ("big.pdf", PDF + b"0" * (5 * 1024 * 1024), "The file must be 5 MB or smaller"),
])
def test_a_bad_file_is_refused(as_facilitator, workshop, filename, content, message):
    page = _add(as_facilitator, workshop, title="Bad", file=(filename, content))
    assert message in page
    assert _count() == 0


def test_a_file_of_exactly_5_mb_is_accepted(programme, workshop):
    data = PDF + b"0" * (5 * 1024 * 1024 - len(PDF))
    material = services.add_material(programme.facilitator, workshop, "Big", filename="big.pdf",
                                     data=data)
    assert material.size == 5 * 1024 * 1024


@pytest.mark.parametrize(("data", "message"), [
    ({"title": "Bad", "url": "javascript:alert(1)"}, "Enter a link that starts with https://"),
    ({"title": "Bad", "url": "ftp://example.org/x"}, "Enter a link that starts with https://"),
    ({"title": "", "url": "https://example.org"}, "Enter a title for the material"),
    ({"title": "Nothing"}, "Give either a link or a file"),
    ({"title": "Empty", "file": ("notes.pdf", b"")},
     "The file notes.pdf is empty: choose a file with something in it, or give a link"),
    ({"title": "Both", "url": "https://example.org", "file": ("a.pdf", PDF)},
     "Give either a link or a file"),
])
def test_bad_material_input(as_facilitator, workshop, data, message):
    page = _add(as_facilitator, workshop, **data)
    assert message in page
    assert _count() == 0


def test_a_stored_name_cannot_break_the_header(programme, workshop):
    material = services.add_material(programme.facilitator, workshop, "Odd",
                                     filename='a"b\r\nX-Evil: 1;<c>.pdf', data=PDF)
    assert material.filename == "a_b__X-Evil_ 1__c_.pdf"


def test_the_facilitator_removes_a_material(as_facilitator, programme, workshop):
    material = services.add_material(programme.facilitator, workshop, "Old slides",
                                     url="https://example.org/old")
    commit()
    token = csrf_from(as_facilitator.get(_session_url(workshop)))
    response = as_facilitator.post(f"{_session_url(workshop)}/materials/{material.id}/delete",
                                   data={"csrf_token": token})
    assert response.status_code == 302
    assert "The material has been removed." in as_facilitator.get(
        _session_url(workshop)).get_data(as_text=True)
    assert _count() == 0


def test_only_the_facilitator_adds_or_removes(as_participant, programme, workshop):
    material = services.add_material(programme.facilitator, workshop, "Slides",
                                     url="https://example.org/s")
    commit()
    page = as_participant.get(_session_url(workshop)).get_data(as_text=True)
    assert "Add a link or a file" not in page and "/delete" not in page
    token = csrf_from(as_participant.get("/account/calendar"))
    added = as_participant.post(_session_url(workshop) + "/materials",
                                data={"csrf_token": token, "title": "Mine",
                                      "url": "https://example.org/mine"})
    assert added.status_code == 403
    removed = as_participant.post(f"{_session_url(workshop)}/materials/{material.id}/delete",
                                  data={"csrf_token": token})
    assert removed.status_code == 403
    assert _count() == 1


def test_another_cohorts_member_cannot_download(client, login, programme, workshop, make_member,
                                                make_session):
    material = services.add_material(programme.facilitator, workshop, "Slides",
                                     filename="s.pdf", data=PDF)
    commit()
    outsider = make_member(role="participant")
    login(outsider.user)
    assert client.get(f"{_session_url(workshop)}/materials/{material.id}").status_code == 404
    # Nor through a session of their own cohort.
    own = make_session(outsider.cohort, "Their workshop")
    assert client.get(f"{_session_url(own)}/materials/{material.id}").status_code == 404


def test_a_material_is_not_reached_through_another_session(as_participant, programme, workshop,
                                                           make_session):
    material = services.add_material(programme.facilitator, workshop, "Slides",
                                     filename="s.pdf", data=PDF)
    commit()
    other = make_session(programme.cohort, "Workshop 2")
    assert as_participant.get(f"{_session_url(other)}/materials/{material.id}").status_code == 404


def test_a_team_member_does_not_get_a_members_only_sessions_material(client, login, programme,
                                                                     workshop, make_member):
    material = services.add_material(programme.facilitator, workshop, "Slides",
                                     filename="s.pdf", data=PDF)
    commit()
    login(make_member(programme.cohort, "colleague").user)
    assert client.get(f"{_session_url(workshop)}/materials/{material.id}").status_code == 404
