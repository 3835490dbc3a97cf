"""Guardians and teachers see their open items first (issue 17): the guardian's pending
applications at the top of the portal, the teacher's sessions of the day before the duty roster."""

from django.urls import reverse

from .world import submit


def test_the_guardian_sees_a_pending_application_first(school, client):
    client.force_login(school.users["guardian1"])
    response = client.get(reverse("afterschool:portal"))
    assert response.context["pending"] == []
    assert "暂无待办事项。" in response.content.decode()

    submit(school, 1)
    response = client.get(reverse("afterschool:portal"))
    (item,) = response.context["pending"]
    assert item["application"].program == school.program
    html = response.content.decode()
    # The 待办 card comes before the child's own card.
    assert html.index("待办") < html.index('class="card child"')
    assert html.index(school.program.name) < html.index('class="card child"')


def test_another_guardians_child_is_not_pending_for_me(school, client):
    submit(school, 2)
    client.force_login(school.users["guardian1"])
    assert client.get(reverse("afterschool:portal")).context["pending"] == []


def test_the_teacher_sees_the_sessions_before_the_duty_roster(school, client):
    client.force_login(school.users["teacher1"])
    html = client.get(reverse("afterschool:today", args=[school.org.pk])).content.decode()
    assert school.program.name in html
    assert html.index(school.program.name) < html.index("值班人员")
