"""The school's structure: terms, grades, classes, guardians and students."""

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.services import model_snapshot, record_create, record_update
from linli.core.tenancy import Actor
from linli.orgs.models import Membership, Organization, Role

from ..models import Grade, Guardian, SchoolClass, Student, Term
from .common import require_admin, require_school, require_staff_member, same_school, school_row_update


def term_create(*, actor: Actor, school: Organization, name: str, start_date: dt.date, end_date: dt.date) -> Term:
    require_school(school)
    require_admin(actor, school.pk)
    return record_create(actor=actor, instance=Term(school=school, name=name, start_date=start_date,
                                                    end_date=end_date), action="afterschool.term.create")


def term_update(*, actor: Actor, term: Term, changes: dict) -> Term:
    return school_row_update(actor=actor, instance=term, changes=changes, action="afterschool.term.update")


def grade_create(*, actor: Actor, school: Organization, name: str, order: int = 0) -> Grade:
    require_school(school)
    require_admin(actor, school.pk)
    return record_create(actor=actor, instance=Grade(school=school, name=name, order=order),
                         action="afterschool.grade.create")


def grade_update(*, actor: Actor, grade: Grade, changes: dict) -> Grade:
    return school_row_update(actor=actor, instance=grade, changes=changes, action="afterschool.grade.update")


def school_class_create(*, actor: Actor, grade: Grade, name: str, head_teacher=None) -> SchoolClass:
    require_admin(actor, grade.school_id)
    require_staff_member(grade.school_id, "head_teacher", head_teacher)
    return record_create(actor=actor, instance=SchoolClass(school_id=grade.school_id, grade=grade, name=name,
                                                           head_teacher=head_teacher),
                         action="afterschool.class.create")


def school_class_update(*, actor: Actor, school_class: SchoolClass, changes: dict) -> SchoolClass:
    require_staff_member(school_class.school_id, "head_teacher", changes.get("head_teacher"))
    return school_row_update(actor=actor, instance=school_class, changes=changes, action="afterschool.class.update",
                   grade=None)


def guardian_create(*, actor: Actor, school: Organization, name: str, phone: str, relation: str = "",
                    address: str = "", user=None) -> Guardian:
    """A guardian with a login becomes a guardian member of the school in the same step: the
    membership is what opens the guardian portal to that login."""
    require_school(school)
    require_admin(actor, school.pk)
    guardian = Guardian(school=school, name=name.strip(), phone=phone.strip(), relation=relation, address=address,
                        user=user)
    with transaction.atomic():
        record_create(actor=actor, instance=guardian, action="afterschool.guardian.create",
                      data={"name": guardian.name, "relation": relation, "user": getattr(user, "pk", None)})
        if user is not None:
            _guardian_membership(actor, school, user)
    return guardian


def _guardian_membership(actor: Actor, school: Organization, user) -> None:
    membership, created = Membership.objects.get_or_create(user=user, organization=school, role=Role.GUARDIAN,
                                                           defaults={"position": _("学生监护人")})
    if created:
        audit_record(actor=actor, action="membership.create", target=membership,
                     data={"user": user.pk, "organization": school.pk, "role": Role.GUARDIAN})


def guardian_update(*, actor: Actor, guardian: Guardian, changes: dict) -> Guardian:
    """Admins keep the record; a guardian may correct their own phone and address."""
    own = guardian.user_id is not None and guardian.user_id == getattr(actor.user, "pk", None)
    if own and set(changes) <= {"phone", "address"}:
        return record_update(actor=actor, instance=guardian, changes=changes, action="afterschool.guardian.update")
    with transaction.atomic():
        guardian = school_row_update(actor=actor, instance=guardian, changes=changes, action="afterschool.guardian.update")
        if changes.get("user") is not None:
            _guardian_membership(actor, guardian.school, changes["user"])
    return guardian


def student_create(*, actor: Actor, school_class: SchoolClass, name: str, student_no: str = "",
                   boarder: bool = False, guardians=()) -> Student:
    require_admin(actor, school_class.school_id)
    for guardian in guardians:
        same_school(school_class.school_id, guardians=guardian)
    student = Student(school_id=school_class.school_id, school_class=school_class, name=name.strip(),
                      student_no=student_no, boarder=boarder)
    with transaction.atomic():
        record_create(actor=actor, instance=student, action="afterschool.student.create",
                      data={**model_snapshot(student), "guardians": [g.pk for g in guardians]})
        student.guardians.set(guardians)
    return student


def student_update(*, actor: Actor, student: Student, changes: dict) -> Student:
    guardians = changes.pop("guardians", None)
    with transaction.atomic():
        student = school_row_update(actor=actor, instance=student, changes=changes, action="afterschool.student.update",
                          school_class=None)
        if guardians is not None:
            for guardian in guardians:
                same_school(student.school_id, guardians=guardian)
            student.guardians.set(guardians)
            audit_record(actor=actor, action="afterschool.student.guardians", target=student,
                         data={"guardians": [g.pk for g in guardians]})
    return student
