"""A site admin who is no member of a cohort: the overview and the member list agree that its
people are not theirs to see."""


def test_a_site_admin_sees_the_overview_without_the_members(client, login, make_user,
                                                             make_member):
    holder = make_member(role="participant", user=make_user(name="Ada Participant"),
                         area_of_focus="Housing wellbeing")
    cohort = holder.cohort
    make_member(cohort=cohort, role="facilitator")
    admin = make_user(is_admin=True)
    login(admin)
    page = client.get(f"/cohorts/{cohort.id}").get_data(as_text=True)
    assert cohort.title in page
    assert "Ada Participant" not in page and "Housing wellbeing" not in page
    assert "Participant: 1" in page and "Facilitator: 1" in page
    assert client.get(f"/cohorts/{cohort.id}/members").status_code == 404


def test_a_member_sees_the_members_on_the_overview(client, login, make_user, make_member):
    holder = make_member(role="participant", user=make_user(name="Ada Participant"))
    colleague = make_member(cohort=holder.cohort, role="participant")
    login(colleague.user)
    page = client.get(f"/cohorts/{holder.cohort.id}").get_data(as_text=True)
    assert "Ada Participant" in page
    assert "Participant: 1" not in page
