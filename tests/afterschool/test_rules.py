"""The rules of the after-school service, through its services."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.afterschool import services
from linli.afterschool.models import (
    Agreement,
    AgreementText,
    Application,
    Attendance,
    Dismissal,
    Incident,
    LeaveRequest,
    Session,
    WorkingGroupMember,
)
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.models import AuditEvent, OutboxMessage
from tests.afterschool.world import clock, session_time, submit


# Applications -------------------------------------------------------------------------------

def test_application_records_the_terms_the_guardian_consented_to(school):
    application = submit(school)
    assert application.status == Application.Status.SUBMITTED
    assert application.guardian == school.guardians[1]
    assert application.terms["time"] == "17:10–18:10" and application.terms["boarders_until"] == "19:40"
    assert application.terms["content"] == ["辅导作业", "补缺", "提优"]
    assert application.terms["method"] == school.program.method
    assert "自愿" in application.statement and application.consented_at is not None


def test_application_without_consent_is_refused(school):
    with pytest.raises(ValidationFailed) as exc:
        submit(school, consent=False)
    assert "consent" in exc.value.fields
    assert not Application.objects.exists()


def test_only_a_guardian_of_the_student_may_apply(school):
    with pytest.raises(PermissionDenied):
        services.application_submit(actor=school.actor("guardian2"), student=school.students[1],
                                    program=school.program, consent=True)


def test_a_second_open_application_for_the_same_program_is_a_conflict(school):
    submit(school)
    with pytest.raises(Conflict):
        submit(school)


def test_class_teacher_reviews_then_school_approves_then_signing_enrolls(school):
    application = submit(school)
    application = services.application_review(actor=school.actor("teacher1"), application=application, approve=True)
    assert application.status == Application.Status.CLASS_APPROVED and application.class_reviewer == school.users[
        "teacher1"]
    application = services.application_review(actor=school.actor("admin"), application=application, approve=True)
    assert application.status == Application.Status.APPROVED
    for text in school.texts.values():
        services.agreement_sign(actor=school.actor("guardian1"), application=application, text=text,
                                signer_name="甲家长1", consent=True)
    application.refresh_from_db()
    assert application.status == Application.Status.ENROLLED and application.enrolled_at is not None


def test_another_classes_teacher_cannot_review(school):
    application = submit(school)
    with pytest.raises(PermissionDenied):
        services.application_review(actor=school.actor("teacher2"), application=application, approve=True)


def test_the_school_cannot_skip_the_class_review(school):
    application = submit(school)
    with pytest.raises(PermissionDenied):
        services.application_review(actor=school.actor("admin"), application=application, approve=True)


def test_a_class_teacher_cannot_give_the_schools_approval(school):
    application = submit(school)
    application = services.application_review(actor=school.actor("teacher1"), application=application, approve=True)
    with pytest.raises(PermissionDenied):
        services.application_review(actor=school.actor("teacher1"), application=application, approve=True)


def test_rejection_needs_a_reason_and_tells_the_guardian(school, django_capture_on_commit_callbacks):
    application = submit(school)
    with pytest.raises(ValidationFailed):
        services.application_review(actor=school.actor("teacher1"), application=application, approve=False)
    with django_capture_on_commit_callbacks(execute=True):
        application = services.application_review(actor=school.actor("teacher1"), application=application,
                                                   approve=False, note="名额已满")
    assert application.status == Application.Status.REJECTED
    assert OutboxMessage.objects.filter(recipient=school.guardians[1].phone, body__contains="名额已满").exists()


def test_guardian_may_withdraw(school):
    application = submit(school)
    assert services.application_withdraw(actor=school.actor("guardian1"), application=application).status == \
        Application.Status.WITHDRAWN
    submit(school)  # a new application after withdrawing is allowed


# Agreements ---------------------------------------------------------------------------------

def approved(school):
    application = submit(school)
    application = services.application_review(actor=school.actor("teacher1"), application=application, approve=True)
    return services.application_review(actor=school.actor("admin"), application=application, approve=True)


def test_signing_before_the_school_approves_is_refused(school):
    application = submit(school)
    with pytest.raises(Conflict):
        services.agreement_sign(actor=school.actor("guardian1"), application=application,
                                text=school.texts["agreement"], signer_name="甲家长1", consent=True)


def test_signature_is_timestamped_digested_and_audited(school):
    application = approved(school)
    before = timezone.now()
    agreement = services.agreement_sign(actor=school.actor("guardian1"), application=application,
                                        text=school.texts["agreement"], signer_name="甲家长1", consent=True)
    assert agreement.signed_at >= before and len(agreement.digest) == 64
    assert agreement.signer == school.users["guardian1"] and agreement.text.version == 1
    event = AuditEvent.objects.get(action="afterschool.agreement.sign")
    assert event.data["digest"] == agreement.digest and event.data["version"] == 1
    application.refresh_from_db()
    assert application.status == Application.Status.APPROVED  # the safety letter is still unsigned


def test_an_outdated_text_version_cannot_be_signed(school):
    application = approved(school)
    services.agreement_text_publish(actor=school.actor("admin"), school=school.org, kind="agreement",
                                    title="课后服务协议书", body="修订后的条款")
    with pytest.raises(Conflict) as exc:
        services.agreement_sign(actor=school.actor("guardian1"), application=application,
                                text=school.texts["agreement"], signer_name="甲家长1", consent=True)
    assert exc.value.code == "outdated_text"


def test_publishing_numbers_versions_per_kind(school):
    text = services.agreement_text_publish(actor=school.actor("admin"), school=school.org, kind="safety_letter",
                                           title="安全责任书", body="第二版")
    assert text.version == 2
    assert AgreementText.objects.get(school=school.org, kind="agreement").version == 1


def test_only_the_applicant_signs(school):
    application = approved(school)
    with pytest.raises(PermissionDenied):
        services.agreement_sign(actor=school.actor("co_guardian"), application=application,
                                text=school.texts["agreement"], signer_name="甲父亲1", consent=True)
    assert not Agreement.objects.exists()


# Sessions -----------------------------------------------------------------------------------

def test_sessions_are_generated_for_each_program_day_of_the_term_once(school):
    program = school.program
    program.weekdays = "135"
    program.save()
    created = services.session_generate(actor=school.actor("admin"), program=program)
    term_days = [school.term.start_date + dt.timedelta(days=n)
                 for n in range((school.term.end_date - school.term.start_date).days + 1)]
    expected = {d for d in term_days if d.isoweekday() in (1, 3, 5)} - {school.session.date}
    assert created == len(expected)
    assert services.session_generate(actor=school.actor("admin"), program=program) == 0
    assert set(Session.objects.filter(program=program).values_list("date", flat=True)) == expected | {
        school.session.date}


def test_teachers_cannot_generate_sessions(school):
    with pytest.raises(PermissionDenied):
        services.session_generate(actor=school.actor("teacher1"), program=school.program)


# Attendance, leave and dismissal ----------------------------------------------------------------

def test_absence_alerts_the_guardians_once_after_commit(school, enrolled, django_capture_on_commit_callbacks):
    child = school.students[1]
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.attendance_take(actor=school.actor("duty"), session=school.session, marks={child: "absent"})
    assert not OutboxMessage.objects.filter(body__contains="未到").exists()  # nothing leaves before the commit
    for callback in callbacks:
        callback()
    recipients = set(OutboxMessage.objects.filter(body__contains="未到").values_list("recipient", flat=True))
    assert recipients == {school.guardians[1].phone, school.guardians["co"].phone}
    with django_capture_on_commit_callbacks(execute=True):
        services.attendance_take(actor=school.actor("duty"), session=school.session, marks={child: "absent"})
    assert OutboxMessage.objects.filter(body__contains="未到").count() == 2


def test_only_the_days_duty_staff_and_admins_take_attendance(school, enrolled):
    with pytest.raises(PermissionDenied):
        services.attendance_take(actor=school.actor("teacher1"), session=school.session,
                                 marks={school.students[1]: "present"})
    services.attendance_take(actor=school.actor("admin"), session=school.session,
                             marks={school.students[1]: "present"})


def test_attendance_for_a_future_session_is_refused(school, enrolled):
    tomorrow = Session.objects.create(school=school.org, program=school.program,
                                      date=timezone.localdate() + dt.timedelta(days=1),
                                      start_time=dt.time(17, 10), end_time=dt.time(18, 10))
    with pytest.raises(ValidationFailed):
        services.attendance_take(actor=school.actor("admin"), session=tomorrow, marks={school.students[1]: "present"})


def test_a_student_not_enrolled_cannot_be_marked(school):
    with pytest.raises(ValidationFailed):
        services.attendance_take(actor=school.actor("duty"), session=school.session,
                                 marks={school.students[1]: "present"})
    assert not Attendance.objects.exists()


def test_approved_leave_turns_marked_absences_into_leave(school, enrolled):
    child = school.students[1]
    services.attendance_take(actor=school.actor("duty"), session=school.session, marks={child: "absent"})
    leave = services.leave_request_create(actor=school.actor("guardian1"), student=child,
                                          start_date=timezone.localdate(), end_date=timezone.localdate(),
                                          reason="发烧")
    with pytest.raises(PermissionDenied):
        services.leave_request_review(actor=school.actor("teacher2"), leave_request=leave, approve=True)
    services.leave_request_review(actor=school.actor("teacher1"), leave_request=leave, approve=True)
    assert Attendance.objects.get(student=child).status == Attendance.Status.LEAVE


def test_a_guardian_cannot_ask_for_leave_in_the_past(school):
    with pytest.raises(ValidationFailed):
        services.leave_request_create(actor=school.actor("guardian1"), student=school.students[1],
                                      start_date=timezone.localdate() - dt.timedelta(days=1),
                                      end_date=timezone.localdate(), reason="补假")
    assert not LeaveRequest.objects.exists()


def test_dismissal_needs_a_complete_roll_and_counts_who_was_there(school, enrolled, evening):
    class1 = school.classes[0]
    with pytest.raises(Conflict) as exc:
        services.dismissal_check_out(actor=school.actor("duty"), session=school.session, school_class=class1,
                                     group="day")
    assert exc.value.code == "roll_incomplete"
    services.attendance_take(actor=school.actor("duty"), session=school.session,
                             marks={school.students[1]: "late"})
    dismissal = services.dismissal_check_out(actor=school.actor("duty"), session=school.session,
                                             school_class=class1, group="day")
    assert (dismissal.headcount, dismissal.dismissed_by) == (1, school.users["duty"])
    with pytest.raises(Conflict):
        services.dismissal_check_out(actor=school.actor("duty"), session=school.session, school_class=class1,
                                     group="day")


def test_boarders_are_dismissed_as_their_own_group_when_they_stay_later(school, enrolled, evening):
    with pytest.raises(ValidationFailed):
        services.dismissal_check_out(actor=school.actor("duty"), session=school.session,
                                     school_class=school.classes[1], group=Dismissal.Group.ALL)
    services.attendance_take(actor=school.actor("duty"), session=school.session, marks={school.students[2]: "absent"})
    dismissal = services.dismissal_check_out(actor=school.actor("duty"), session=school.session,
                                             school_class=school.classes[1], group=Dismissal.Group.BOARDERS)
    assert dismissal.headcount == 0


@pytest.fixture
def evening(school):
    """18:15 on the session's day: the day students' check-out is open (17:10 to 19:10)."""
    with clock(session_time(school.session, dt.time(18, 15))):
        yield


def check_out(school, group=Dismissal.Group.DAY, i=1, role="duty"):
    return services.dismissal_check_out(actor=school.actor(role), session=school.session,
                                        school_class=school.classes[i - 1], group=group)


@pytest.mark.parametrize("at, days, allowed", [
    (dt.time(17, 9, 59), 0, False), (dt.time(17, 10), 0, True),  # from the session's start
    (dt.time(19, 10), 0, True), (dt.time(19, 10, 1), 0, False),  # to an hour after 18:10
    (dt.time(2, 42), 0, False), (dt.time(2, 42), 1, False),  # the night before, the night after
])
def test_day_students_are_checked_out_only_within_the_sessions_time(school, enrolled, at, days, allowed):
    services.attendance_take(actor=school.actor("duty"), session=school.session, marks={school.students[1]: "present"})
    with clock(session_time(school.session, at, days=days)):  # the school's admin: duty ends with its day
        if allowed:
            assert check_out(school, role="admin").headcount == 1
        else:
            with pytest.raises(ValidationFailed) as exc:
                check_out(school, role="admin")
            assert exc.value.code in {"dismissal_too_early", "dismissal_too_late"}
            assert "集体放学" in str(exc.value.message)
    assert Dismissal.objects.exists() == allowed


def test_a_check_out_at_0242_for_a_1710_session_says_why_in_chinese(school, enrolled):
    services.attendance_take(actor=school.actor("duty"), session=school.session, marks={school.students[1]: "present"})
    with clock(session_time(school.session, dt.time(2, 42), days=1)), pytest.raises(ValidationFailed) as exc:
        check_out(school, role="admin")
    day = f"{school.session.date:%m月%d日}"
    assert str(exc.value.message) == f"集体放学须在本场次时间内登记（{day} 17:10–19:10），现在已过，不能再登记。"
    with clock(session_time(school.session, dt.time(2, 42))), pytest.raises(ValidationFailed) as exc:
        check_out(school, role="admin")
    assert str(exc.value.message) == f"本场次 {day} 17:10 开始，开始前不能登记集体放学。"


@pytest.mark.parametrize("at, allowed", [(dt.time(20, 40), True), (dt.time(20, 40, 1), False)])
def test_boarders_window_runs_an_hour_past_their_own_end(school, enrolled, at, allowed):
    services.attendance_take(actor=school.actor("duty"), session=school.session, marks={school.students[2]: "present"})
    with clock(session_time(school.session, at)):
        if allowed:
            assert check_out(school, Dismissal.Group.BOARDERS, i=2).headcount == 1
        else:
            with pytest.raises(ValidationFailed):
                check_out(school, Dismissal.Group.BOARDERS, i=2)
            with pytest.raises(ValidationFailed):  # the day students' window closed at 19:10
                check_out(school, Dismissal.Group.DAY, i=2)


def test_a_check_out_is_undone_within_two_minutes_and_the_audit_keeps_it(school, enrolled):
    services.attendance_take(actor=school.actor("duty"), session=school.session, marks={school.students[1]: "present"})
    with clock(session_time(school.session, dt.time(18, 15))):
        dismissal = check_out(school)
    with clock(session_time(school.session, dt.time(18, 17))):
        services.dismissal_undo(actor=school.actor("duty"), dismissal=dismissal)
        with pytest.raises(Conflict) as exc:  # a second tap on the same 撤销
            services.dismissal_undo(actor=school.actor("duty"), dismissal=dismissal)
        assert exc.value.code == "already_undone"
    assert not Dismissal.objects.exists()
    event = AuditEvent.objects.get(action="afterschool.dismissal.undo")
    assert (event.target_id, event.data["headcount"]) == (str(dismissal.pk), 1)
    with clock(session_time(school.session, dt.time(18, 20))):
        assert check_out(school).headcount == 1  # the class can be checked out again


def test_a_check_out_cannot_be_undone_after_two_minutes_or_by_someone_not_on_duty(school, enrolled):
    services.attendance_take(actor=school.actor("duty"), session=school.session, marks={school.students[1]: "present"})
    with clock(session_time(school.session, dt.time(18, 15))):
        dismissal = check_out(school)
        with pytest.raises(PermissionDenied):
            services.dismissal_undo(actor=school.actor("teacher1"), dismissal=dismissal)
    with clock(session_time(school.session, dt.time(18, 17, 1))), pytest.raises(Conflict) as exc:
        services.dismissal_undo(actor=school.actor("duty"), dismissal=dismissal)
    assert exc.value.code == "undo_expired" and "2 分钟" in str(exc.value.message)
    assert Dismissal.objects.get() == dismissal


def test_the_preview_writes_nothing_and_an_unknown_group_is_refused(school, enrolled, evening):
    services.attendance_take(actor=school.actor("duty"), session=school.session, marks={school.students[1]: "late"})
    assert services.dismissal_preview(actor=school.actor("duty"), session=school.session,
                                      school_class=school.classes[0], group="day") == 1
    with pytest.raises(ValidationFailed):
        services.dismissal_preview(actor=school.actor("duty"), session=school.session,
                                   school_class=school.classes[0], group="everyone")
    assert not Dismissal.objects.exists()


@pytest.mark.parametrize("start, end, shown", [
    (dt.date(2026, 12, 30), dt.date(2027, 1, 2), "2026年12月30日 至 2027年01月02日"),
    (dt.date(2026, 12, 7), dt.date(2026, 12, 9), "12月07日 至 12月09日"),
])
def test_the_leave_message_names_the_year_when_the_leave_crosses_one(school, monkeypatch, start, end, shown,
                                                                     django_capture_on_commit_callbacks):
    monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: dt.date(2026, 12, 7))
    leave = services.leave_request_create(actor=school.actor("teacher1"), student=school.students[1],
                                          start_date=start, end_date=end, reason="回老家")
    with django_capture_on_commit_callbacks(execute=True):
        services.leave_request_review(actor=school.actor("teacher1"), leave_request=leave, approve=True)
    assert OutboxMessage.objects.filter(body__contains=f"{shown} 的请假已批准").exists()


# Duty, working group, gate and incidents --------------------------------------------------------

def test_the_working_group_has_one_leader(school):
    services.working_group_member_create(actor=school.actor("admin"), school=school.org, user=school.users["admin"],
                                         position="leader")
    with pytest.raises(Conflict):
        services.working_group_member_create(actor=school.actor("admin"), school=school.org,
                                             user=school.users["teacher1"], position="leader")
    member = services.working_group_member_create(actor=school.actor("admin"), school=school.org,
                                                  user=school.users["teacher1"], position="deputy")
    assert member.get_position_display() == "副组长"
    assert WorkingGroupMember.objects.count() == 2


def test_guardians_cannot_join_the_working_group_or_the_roster(school):
    with pytest.raises(ValidationFailed):
        services.working_group_member_create(actor=school.actor("admin"), school=school.org,
                                             user=school.users["guardian1"], position="member")
    with pytest.raises(ValidationFailed):
        services.duty_assignment_create(actor=school.actor("admin"), school=school.org, user=school.users["guardian1"],
                                        date=timezone.localdate())


def test_administrators_duty_is_for_school_admins(school):
    with pytest.raises(ValidationFailed):
        services.duty_assignment_create(actor=school.actor("admin"), school=school.org, user=school.users["teacher1"],
                                        date=timezone.localdate(), kind="administrator")
    services.duty_assignment_create(actor=school.actor("admin"), school=school.org, user=school.users["admin"],
                                    date=timezone.localdate(), kind="administrator")


def test_gate_register_is_kept_by_the_days_duty_staff(school):
    visit = services.gate_visit_record(actor=school.actor("duty"), school=school.org, visitor_name="张三",
                                       purpose="送作业", id_number="11010519491231002x")
    assert visit.id_number == "11010519491231002X"
    with pytest.raises(PermissionDenied):
        services.gate_visit_record(actor=school.actor("teacher1"), school=school.org, visitor_name="李四",
                                   purpose="找人")
    assert services.gate_visit_leave(actor=school.actor("duty"), gate_visit=visit).left_at is not None


def test_an_incident_closes_only_when_the_required_steps_are_done(school):
    incident = services.incident_report(actor=school.actor("duty"), school=school.org, kind="injury",
                                        location="操场", description="学生摔倒擦伤膝盖",
                                        students=[school.students[1]])
    with pytest.raises(ValidationFailed) as exc:
        services.incident_close(actor=school.actor("admin"), incident=incident, summary="已处理")
    assert "通知涉及学生的监护人" in str(exc.value.message)
    for step in ("secure", "report", "guardians", "headcount", "record", "review"):
        incident = services.incident_check(actor=school.actor("duty"), incident=incident, step=step)
    with pytest.raises(PermissionDenied):
        services.incident_close(actor=school.actor("duty"), incident=incident, summary="已处理")
    incident = services.incident_close(actor=school.actor("admin"), incident=incident, summary="已送医并通知家长")
    assert incident.status == Incident.Status.CLOSED
    assert incident.checklist["guardians"]["by"] == str(school.users["duty"])
