"""Members' profiles and the people to talk to on the member list, the home page and the
settings page: who sees a profile, what of a place's plan each reader sees, the threads and
feedback shown, the two settings, and the same queries however many members, posts and items."""

from cohort.board import services as board
from cohort.cohorts.services import leave_place
from cohort.core.database import commit
from cohort.home.people import HOME_LIMIT
from cohort.plans import services as plans
from tests.helpers import count_queries, post_form, sign_in, text_of
from tests.home import people_world
from tests.home.people_world import answer, item, rate, reply, request, share

people = people_world.people  # the fixture


def _client(new_client, member_or_user):
    client = new_client()
    user = getattr(member_or_user, "user", member_or_user)
    assert sign_in(client, user.email).status_code == 302
    return client


def _profile(cohort, member) -> str:
    return f"/cohorts/{cohort.id}/members/{member.id}"


def test_a_profile_shows_the_members_context(people, new_client):
    people.cy.working_on = "A housing survey with wellbeing questions"
    commit()
    page = text_of(_client(new_client, people.ada).get(_profile(people.cohort, people.cy)))
    for text in ("Cy Young", "Othertown Council", "Housing and health",
                 "A housing survey with wellbeing questions"):
        assert text in page


def test_profiles_are_for_the_people_learning_together(people, new_client, make_user):
    admin = make_user("admin@example.org", "Site Admin", is_admin=True)
    url = _profile(people.cohort, people.cy)
    assert _client(new_client, people.ada).get(url).status_code == 200
    assert _client(new_client, people.ben).get(url).status_code == 200
    assert _client(new_client, people.fay).get(url).status_code == 200
    for outsider in (people.eve, people.zed, admin):
        assert _client(new_client, outsider).get(url).status_code == 404
    ada = _client(new_client, people.ada)
    # Staff have no profile, nor does someone who left, nor a member of another cohort.
    assert ada.get(_profile(people.cohort, people.fay)).status_code == 404
    assert ada.get(_profile(people.cohort, people.zed)).status_code == 404
    assert ada.get(f"/cohorts/{people.cohort.id}/members/{'9' * 25}").status_code == 404
    leave_place(people.gil.user, people.gil)
    commit()
    assert ada.get(_profile(people.cohort, people.gil)).status_code == 404


def test_a_plan_shows_on_a_profile_only_to_those_who_may_see_it(people, new_client):
    item(people.cy, ["5"], title="Choose measures beyond absence")
    rate(people, {people.cy: {"5": "optimising"}})
    plans.add_progress(people.cy.user, item(people.cy, ["6"], title="Pilot the toolkit"),
                       "First team done.", None, "in_progress")
    commit()
    url = _profile(people.cohort, people.cy)
    ada, fay = _client(new_client, people.ada), _client(new_client, people.fay)
    hidden = text_of(ada.get(url))
    assert "has not shared its plan" in hidden
    for private in ("Hallmark 5", "Optimising", "Choose measures", "Pilot the toolkit",
                    "First team done"):
        assert private not in hidden
    seen = text_of(fay.get(url))  # the facilitator follows every plan
    assert "Hallmark 5: Comprehensive performance measures" in seen and "Optimising" in seen
    assert "First team done." in seen and "See the whole action plan" in seen
    share(people.cy)
    shared = text_of(ada.get(url))
    assert "Hallmark 5: Comprehensive performance measures" in shared
    assert "Hallmark 6" in shared and "First team done." in shared
    assert "See the whole action plan" not in shared  # the outline, never the plan
    mine = text_of(_client(new_client, people.ben).get(_profile(people.cohort, people.ada)))
    assert "Your place's plan" not in mine and "See the whole action plan" in mine


def test_a_profile_lists_threads_started_and_feedback_given_but_nothing_hidden(people,
                                                                               new_client):
    board.create_thread(people.cy.user, people.cy, people.cohort, board.NewThread(
        kind="question", title="Which survey questions?", body="What do you ask?"))
    hidden = board.create_thread(people.cy.user, people.cy, people.cohort, board.NewThread(
        kind="discussion", title="A thread the facilitator hid", body="Names a colleague."))
    commit()
    board.hide_post(people.fay.user, board.posts_page(hidden, None).items[0], "Names someone")
    asked = request(people.ada, "Our draft strategy")
    answer(people.cy, asked)
    reply(people.cy, request(people.di, "Downtown's plan"))
    page = text_of(_client(new_client, people.gil).get(_profile(people.cohort, people.cy)))
    assert "Which survey questions?" in page
    assert "Our draft strategy · asked by Ada Lovelace" in page
    assert "Downtown's plan · asked by Di Dodd" in page
    assert "A thread the facilitator hid" not in page


def test_the_member_list_links_names_and_suggests_people_to_participants(people, new_client):
    item(people.ada, ["5"])
    item(people.cy, ["5"])
    share(people.cy)
    url = f"/cohorts/{people.cohort.id}/members"
    page = _client(new_client, people.ada).get(url).get_data(as_text=True)
    assert "People to talk to" in page
    assert "Othertown Council also works on hallmark 5" in page
    assert f'href="{_profile(people.cohort, people.cy)}">Cy Young</a>' in page
    facilitator = _client(new_client, people.fay).get(url).get_data(as_text=True)
    assert "People to talk to" not in facilitator and "also works on" not in facilitator
    assert f'href="{_profile(people.cohort, people.cy)}"' in facilitator
    # The evaluator reads places and figures, not names: no member list, and an overview
    # that counts the members by role.
    evaluator = _client(new_client, people.eve)
    assert evaluator.get(url).status_code == 404
    # The overview's member table links the same names, to the same readers.
    overview = f"/cohorts/{people.cohort.id}"
    assert _profile(people.cohort, people.cy) in _client(new_client, people.ada).get(
        overview).get_data(as_text=True)
    theirs = evaluator.get(overview).get_data(as_text=True)
    assert "Cy Young" not in theirs and "Ada Lovelace" not in theirs
    assert "Othertown Council" not in theirs
    assert "Participant: " in theirs
    assert f'href="/cohorts/{people.cohort.id}/members"' not in theirs


def test_the_profile_says_why_the_reader_might_talk_to_them(people, new_client):
    item(people.ada, ["5"])
    item(people.cy, ["5"])
    share(people.cy)
    ada = _client(new_client, people.ada)
    page = text_of(ada.get(_profile(people.cohort, people.cy)))
    assert "Why you might talk Othertown Council also works on hallmark 5" in page
    post_form(_client(new_client, people.cy), "/settings", {
        "section": f"cohort-{people.cohort.id}-people"}, page="/settings")  # unticked: off
    page = text_of(ada.get(_profile(people.cohort, people.cy)))
    assert "Why you might talk" not in page and "Cy Young" in page  # still in the list


def test_the_settings_page_turns_suggestions_off_and_shares_the_plan(people, new_client):
    item(people.ada, ["5"])
    item(people.cy, ["5"])
    cy, ada = _client(new_client, people.cy), _client(new_client, people.ada)
    key = f"cohort-{people.cohort.id}"
    settings = text_of(cy.get("/settings"))
    assert "People to talk to" in settings and "Your place's plan" in settings
    response = post_form(cy, "/settings", {"section": f"{key}-plan", f"{key}-plan-shared": "y"},
                         follow_redirects=True)
    assert "now see your place's plan in outline" in text_of(response)
    assert "Cy Young" in text_of(ada.get(f"/cohorts/{people.cohort.id}/members")).split(
        "Everyone")[0]
    response = post_form(cy, "/settings", {"section": f"{key}-people"}, follow_redirects=True)
    assert "Nobody in Wellbeing 2026 will be told to talk to you" in text_of(response)
    assert "Cy Young" not in text_of(ada.get(f"/cohorts/{people.cohort.id}/members")).split(
        "Everyone")[0]
    # Staff have neither setting: they are never suggested and have no place.
    staff = text_of(_client(new_client, people.fay).get("/settings"))
    assert "People to talk to" not in staff and "Your place's plan" not in staff


def test_the_home_page_shows_a_few_people_to_talk_to_in_a_running_cohort(people, new_client,
                                                                         make_holder, make_user):
    for n in range(HOME_LIMIT + 1):
        make_holder(people.cohort, user=make_user(name=f"Focus {n}"), organisation=f"Org {n}",
                    area_of_focus="Employee wellbeing")
    commit()
    ada = _client(new_client, people.ada)
    page = text_of(ada.get("/"))
    assert "People to talk to" in page
    assert page.count("Shares your area of focus: Employee wellbeing") == HOME_LIMIT
    people.cohort.status = "finished"
    commit()
    assert "People to talk to" not in text_of(ada.get("/"))  # a finished cohort is quiet
    assert "People to talk to" not in text_of(_client(new_client, people.fay).get("/"))


def _grow(people, make_holder, make_user, n: int) -> None:
    """n more places that share plans on the same hallmark, with requests, answers, replies."""
    for i in range(n):
        other = make_holder(people.cohort, user=make_user(name=f"Grown {n}-{i}"),
                            organisation=f"Council {n}-{i}", area_of_focus="Employee wellbeing")
        board.acknowledge(other)
        commit()
        share(other)
        asked = request(other, f"Draft {n}-{i}", from_item=item(other, ["5", "6"]))
        answer(people.cy, asked)
        reply(people.ada, asked)
        board.create_thread(other.user, other, people.cohort, board.NewThread(
            kind="discussion", title=f"Talk {n}-{i}", body="Hello."))
        commit()


def test_the_people_pages_take_the_same_queries_for_more_members_posts_and_items(
        people, new_client, make_holder, make_user):
    item(people.ada, ["5"])
    share(people.cy)
    rate(people, {people.cy: {"5": "assuring"}})
    ada = _client(new_client, people.ada)
    pages = ("/", f"/cohorts/{people.cohort.id}/members", _profile(people.cohort, people.cy))
    counts = []
    for n in (1, 6):
        _grow(people, make_holder, make_user, n)
        request_cy = request(people.cy, f"Cy's draft {n}", from_item=item(people.cy, ["5"]))
        answer(people.ada, request_cy)
        counts.append([])
        for path in pages:
            ada.get(path)
            with count_queries() as queries:
                assert ada.get(path).status_code == 200
            counts[-1].append(queries[0])
    assert counts[0] == counts[1], dict(zip(pages, zip(*counts, strict=True), strict=True))
