def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert b"Sign in to Cohort" in response.data


def test_sign_in_and_home(client, login, make_member):
    member = make_member(role="participant")
    login(member.user)
    page = client.get("/").get_data(as_text=True)
    assert member.cohort.title in page
    assert "Participant" in page
