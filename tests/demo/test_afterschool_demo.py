"""The after-school part of `manage.py seed_demo`."""

from io import StringIO

from django.core.management import call_command
from django.utils import timezone

from linli.afterschool import selectors
from linli.afterschool.models import Application, DutyAssignment, Program, Session, Student
from linli.core.tenancy import Actor
from linli.orgs.models import User


def test_demo_school_has_the_seeds_programs_and_logins(demo, first_run):
    for username in ("teacher", "teacher2", "guardian"):
        assert f"{username} " in first_run
    schedules = {p.grade.name: (p.start_time.strftime("%H:%M"), p.end_time.strftime("%H:%M"),
                                p.boarder_end_time and p.boarder_end_time.strftime("%H:%M"), p.weekdays)
                 for p in Program.objects.select_related("grade")}
    assert schedules == {"初一": ("17:10", "18:10", "19:40", "12345"), "初二": ("17:10", "18:10", "19:40", "12345"),
                         "初三": ("18:00", "20:05", None, "12345")}
    assert Student.objects.filter(boarder=True).exists()
    states = set(Application.objects.values_list("status", flat=True))
    assert states == set(Application.Status.values)
    assert not Session.objects.filter(date__week_day__in=[1, 7]).exists()


def test_demo_teacher_is_on_duty_today_and_the_guardian_sees_two_children(demo):
    assert DutyAssignment.objects.filter(user__username="teacher", date=timezone.localdate()).exists()
    guardian = Actor(User.objects.get(username="guardian"))
    assert selectors.student_list(actor=guardian).count() == 2


def test_demo_runs_again_without_changes(demo):
    counts = (Application.objects.count(), Session.objects.count(), DutyAssignment.objects.count())
    out = StringIO()
    call_command("seed_demo", stdout=out)
    assert (Application.objects.count(), Session.objects.count(), DutyAssignment.objects.count()) == counts
    assert "未做任何改动" in out.getvalue()
