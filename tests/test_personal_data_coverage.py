"""Every table that refers to a person is in some module's personal data part (its
personal_data.py's COVERS), so a download gathers it and an erasure reaches it.

A table refers to a person when a column refers to a user or a membership (a person in one
cohort), or holds an email address: a column named `email` or `..._email`, a message's
recipient, a sign-in failure's key (core/personal.py: refers_to_person)."""

from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table

from cohort import modules
from cohort.core.personal import refers_to_person, uncovered
from cohort.extensions import db


def test_every_table_that_refers_to_a_person_is_in_a_modules_part():
    assert uncovered(db.metadata, set(modules.covered_tables())) == []


def test_each_part_covers_only_its_own_modules_tables():
    for table, module in modules.covered_tables().items():
        mapper = next(m for m in db.Model.registry.mappers if m.local_table.name == table)
        assert mapper.class_.__module__.split(".")[1] == module, table


def test_a_new_table_with_a_user_reference_and_no_part_is_named():
    metadata = MetaData()  # every table there is, and three new ones
    for table in db.metadata.sorted_tables:
        table.to_metadata(metadata)
    Table("scrapbook", metadata, Column("id", Integer, primary_key=True),
          Column("owner_id", ForeignKey("user.id")), Column("title", String(100)))
    Table("badge", metadata, Column("id", Integer, primary_key=True),
          Column("membership_id", ForeignKey("membership.id")))
    Table("waiting_list", metadata, Column("id", Integer, primary_key=True),
          Column("contact_email", String(320)))
    Table("weather", metadata, Column("id", Integer, primary_key=True), Column("town", String))
    covered = set(modules.covered_tables())
    assert sorted(uncovered(metadata, covered)) == [
        "badge (membership_id)", "scrapbook (owner_id)", "waiting_list (contact_email)"]
    assert uncovered(metadata, covered | {"scrapbook", "badge", "waiting_list"}) == []


def test_the_check_sees_the_tables_it_is_meant_to():
    tables = db.metadata.tables
    assert refers_to_person(tables["board_post"]) == ["author_id", "hidden_by_id"]
    assert refers_to_person(tables["survey_response"]) == ["membership_id"]
    assert sorted(refers_to_person(tables["application"])) == ["decided_by_id", "email"]
    assert refers_to_person(tables["mail_message"]) == ["recipient"]
    assert refers_to_person(tables["programme_session"]) == []
