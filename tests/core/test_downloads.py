"""Downloads and CSV files, the one way (core.downloads, core.csvfile): a file's name reaches
the browser exactly (filename*) with a plain fallback, is never sniffed nor kept by a shared
cache, and a long file is streamed; every CSV cell a spreadsheet would run is kept as text."""

import csv

import pytest
from werkzeug.http import parse_options_header

from cohort.core.csvfile import csv_lines, safe_cell
from cohort.core.downloads import send_download

AWKWARD = 'Résumé "draft".pdf'


def test_an_awkward_name_is_sent_both_ways_and_the_file_is_not_sniffed(app):
    with app.test_request_context():
        response = send_download(b"%PDF-1.4", AWKWARD, "application/pdf")
        disposition = response.headers["Content-Disposition"]
        assert disposition == ("attachment; filename=\"Resume 'draft'.pdf\"; "
                               "filename*=UTF-8''R%C3%A9sum%C3%A9%20%22draft%22.pdf")
        kind, options = parse_options_header(disposition)
        assert (kind, options["filename"]) == ("attachment", AWKWARD)  # filename* wins
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Cache-Control"] == "private, no-store"
        assert response.mimetype == "application/pdf" and response.get_data() == b"%PDF-1.4"


@pytest.mark.parametrize(("name", "fallback"), [
    ("evil\r\nSet-Cookie: x=1.txt", "evil__Set-Cookie: x=1.txt"),
    ("..\\..\\boot.ini", ".._.._boot.ini"),
    ("报告.csv", "__.csv"),
    ("", "download"),
])
def test_a_name_cannot_break_the_header(app, name, fallback):
    with app.test_request_context():
        disposition = send_download("x", name, "text/plain").headers["Content-Disposition"]
    assert f'filename="{fallback}";' in disposition
    assert "\r" not in disposition and "\n" not in disposition
    assert parse_options_header(disposition)[1]["filename"] == (name or "download")


def test_a_calendar_feed_may_be_kept_a_while_but_only_by_its_reader(app):
    with app.test_request_context():
        response = send_download(b"BEGIN:VCALENDAR", "cohort.ics", "text/calendar",
                                 max_age=300)
    assert response.headers["Cache-Control"] == "private, max-age=300"


def test_a_file_given_in_parts_is_sent_as_they_come(app):
    taken = []

    def lines():
        for line in ("A,B\r\n", "1,2\r\n"):
            taken.append(line)
            yield line

    with app.test_request_context("/export.csv"):
        response = send_download(lines(), "export.csv", "text/csv")
    assert response.is_streamed and taken == []  # nothing written before it is sent
    assert response.content_type == "text/csv; charset=utf-8"
    assert response.get_data(as_text=True) == "A,B\r\n1,2\r\n"


@pytest.mark.parametrize("start", ["=", "+", "-", "@", "\t", "\r", "\n"])
def test_every_cell_that_a_spreadsheet_would_run_is_kept_as_text(start):
    value = f"{start}HYPERLINK(\"https://evil.example\")"
    lines = list(csv_lines([("plain", value, 3, None)], header=(value, "Heading")))
    assert list(csv.reader(lines)) == [
        ["'" + value, "Heading"], ["plain", "'" + value, "3", ""]]
    assert safe_cell(value) == "'" + value


def test_the_lines_are_those_of_a_plain_csv_file():
    lines = list(csv_lines([("a", 'say "hi"', "two\nlines"), (), ("1", "2.5", "")],
                           header=("A", "B", "C")))
    assert lines == ["A,B,C\r\n", 'a,"say ""hi""","two\nlines"\r\n', "\r\n", "1,2.5,\r\n"]
    assert not lines[0].startswith("\ufeff")
