"""Members sign up, log in and out on the community pages; they are not staff."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from app.community.limits import init_community_limits
from app.extensions import db
from app.models import Member
from tests.functional.community import PASSWORD, Visitor, member, staff


def test_a_member_signs_up_and_is_logged_in(app):
    visitor = Visitor.of(app)

    response = visitor.join("Lucia R", "Lucia@Example.com")

    assert response.status_code == 303
    assert "Lucia R" in visitor.text("/community") and "(member)" in visitor.text("/community")
    stored = db.session.scalars(select(Member)).one()
    assert stored.email == "lucia@example.com" and PASSWORD not in stored.password_hash


@pytest.mark.parametrize(
    ("name", "email", "password", "reason"),
    [
        ("L", "l@example.com", PASSWORD, "A name is 2 to 40"),
        ("<script>x</script>", "l@example.com", PASSWORD, "A name is 2 to 40"),
        ("Lucia", "not-an-email", PASSWORD, "Enter an email address"),
        ("Lucia", "l@example.com", "short", "A password is 10 to 200"),
        ("Lucia", "l@example.com", "x" * 500, "A password is 10 to 200"),
    ],
)
def test_sign_up_refuses_bad_fields_with_the_reason(app, name, email, password, reason):
    response = Visitor.of(app).join(name, email, password)

    assert response.status_code == 400
    assert reason in response.get_data(as_text=True)


def test_one_email_signs_up_once(app):
    member(app, "Lucia")

    response = Visitor.of(app).join("Other name", "lucia@example.com")

    assert response.status_code == 400
    assert "already has a member account" in response.get_data(as_text=True)


def test_sign_ups_are_limited_per_client_address(app):
    app.config["COMMUNITY_SIGNUP_LIMIT"] = "2/hour"
    init_community_limits(app)
    visitor = Visitor.of(app)

    codes = [visitor.join(f"Member {n}").status_code for n in range(3)]

    assert codes == [303, 303, 429]
    assert "signed up too often" in visitor.join("Member 9").get_data(as_text=True)


def test_a_member_logs_out_and_the_old_cookie_logs_nobody_in(app):
    lucia = member(app, "Lucia")
    cookie = lucia.client.get_cookie("session")
    assert cookie is not None

    lucia.post("/community/logout")

    thief = Visitor.of(app)
    thief.client.set_cookie("session", cookie.value)
    assert "(member)" not in thief.text("/community")
    assert "(member)" not in lucia.text("/community")


def test_a_member_logs_in_with_email_and_password(app):
    member(app, "Lucia").post("/community/logout")
    visitor = Visitor.of(app)

    wrong = visitor.post("/community/login", {"email": "lucia@example.com", "password": "nope"})
    right = visitor.post("/community/login", {"email": "lucia@example.com", "password": PASSWORD})

    assert wrong.status_code == 401 and "Wrong email or password" in wrong.get_data(as_text=True)
    assert right.status_code == 303 and "(member)" in visitor.text("/community")


def test_a_member_session_never_opens_staff_pages(app):
    lucia = member(app, "Lucia")

    assert lucia.get("/console").status_code == 302
    assert lucia.get("/supervisor").status_code == 302
    assert lucia.get("/api/agent/offer").status_code == 401


def test_member_log_in_redirects_only_to_this_site(app):
    member(app, "Lucia").post("/community/logout")
    visitor = Visitor.of(app)

    response = visitor.post(
        "/community/login",
        {"email": "lucia@example.com", "password": PASSWORD, "next": "//evil.example/x"},
    )

    assert response.location == "/community"


def test_staff_log_in_at_login_and_act_as_staff_here(app):
    sam = staff(app)

    page = sam.text("/community")

    assert "Moderation" in page and "(member)" not in page
