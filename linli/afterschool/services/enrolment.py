"""Applications and agreements: the guardian applies, the class teacher and the school review,
the guardian e-signs the current texts and the student is enrolled."""

import datetime as dt
import hashlib

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.audit import audit_record
from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.services import full_clean_or_fail, record_create, record_update
from linli.core.tenancy import Actor
from linli.orgs.models import Organization

from .. import selectors
from ..models import Agreement, AgreementText, Application, Guardian, Program, Student
from .common import require_admin, require_school, same_school, sms_send
from .programs import program_terms


def application_submit(*, actor: Actor, student: Student, program: Program, consent: bool,
                       statement: str = "") -> Application:
    """The guardian's voluntary written application (家长自愿, 书面申请)."""
    guardian = Guardian.objects.filter(students=student, user=actor.user,
                                       school_id__in=selectors.school_scope(actor).guardian).first()
    if guardian is None:
        raise PermissionDenied(_("只有学生的监护人可以提出申请。"))
    same_school(student.school_id, program=program)
    if program.grade_id != student.school_class.grade_id:
        raise ValidationFailed(fields={"program": [_("该项目不面向本学生所在年级。")]})
    if program.term.end_date < timezone.localdate():
        raise ValidationFailed(fields={"program": [_("该学期已结束。")]})
    if not consent:
        raise ValidationFailed(fields={"consent": [_("请阅读服务时间、内容和方式，并确认自愿申请。")]})
    application = Application(
        school_id=student.school_id, student=student, program=program, guardian=guardian,
        statement=statement.strip() or _("本人已了解课后服务的时间、内容和方式，自愿为孩子申请参加，并遵守学校的相关规定。"),
        consented_at=timezone.now(), terms=program_terms(program),
    )
    if Application.objects.filter(student=student, program=program, status__in=Application.OPEN).exists():
        raise Conflict(_("该学生已申请此项目。"), code="already_applied")
    return record_create(actor=actor, instance=application, action="afterschool.application.submit",
                         data={"student": student.pk, "program": program.pk, "guardian": guardian.pk,
                               "terms": application.terms, "statement": application.statement})


def application_review(*, actor: Actor, application: Application, approve: bool, note: str = "") -> Application:
    """The class teacher reviews (班级审核), then the school approves (学校批准)."""
    note = note.strip()
    if not approve and not note:
        raise ValidationFailed(fields={"note": [_("不通过时请填写原因。")]})
    with transaction.atomic():
        application = Application.objects.select_for_update().get(pk=application.pk)
        now = timezone.now()
        if application.status == Application.Status.SUBMITTED:
            if not selectors.is_class_teacher(actor, application.student.school_class) and not actor.is_admin:
                raise PermissionDenied(_("由学生的班主任进行班级审核。"))
            changes = {"status": Application.Status.CLASS_APPROVED if approve else Application.Status.REJECTED,
                       "class_reviewer": actor.user, "class_reviewed_at": now, "class_note": note}
            action = "afterschool.application.class_review"
        elif application.status == Application.Status.CLASS_APPROVED:
            require_admin(actor, application.school_id)
            changes = {"status": Application.Status.APPROVED if approve else Application.Status.REJECTED,
                       "school_reviewer": actor.user, "school_reviewed_at": now, "school_note": note}
            action = "afterschool.application.school_review"
        else:
            raise Conflict(_("该申请不在待审核状态。"), code="not_pending")
        application = record_update(actor=actor, instance=application, changes=changes, action=action)
        phones = [application.guardian.phone] if application.guardian.phone else []
        if application.status in (Application.Status.APPROVED, Application.Status.REJECTED):
            body = (_("【%(school)s】%(student)s 的%(program)s申请已获学校批准，请登录签署课后服务协议书和安全责任书。")
                    if approve else _("【%(school)s】%(student)s 的%(program)s申请未通过：%(note)s")) % {
                "school": application.school.name, "student": application.student.name,
                "program": application.program.name, "note": note}
            transaction.on_commit(lambda: sms_send(phones, body))
    return application


def application_withdraw(*, actor: Actor, application: Application) -> Application:
    """Taking part is voluntary: the guardian may withdraw at any stage."""
    if application.guardian.user_id != getattr(actor.user, "pk", None):
        raise PermissionDenied(_("只有申请人可以撤回申请。"))
    if application.status not in Application.OPEN:
        raise Conflict(_("该申请已结束。"), code="closed")
    return record_update(actor=actor, instance=application, changes={"status": Application.Status.WITHDRAWN},
                         action="afterschool.application.withdraw")


def agreement_text_publish(*, actor: Actor, school: Organization, kind: str, title: str, body: str) -> AgreementText:
    """A new version of a text; earlier signatures keep pointing at the version they signed."""
    require_school(school)
    require_admin(actor, school.pk)
    with transaction.atomic():
        # Serialise publishers of the same school so two never take the same number.
        Organization.objects.select_for_update().filter(pk=school.pk).first()
        last = AgreementText.objects.filter(school=school, kind=kind).order_by("-version").first()
        text = AgreementText(school=school, kind=kind, version=(last.version + 1) if last else 1, title=title.strip(),
                             body=body.strip())
        return record_create(actor=actor, instance=text, action="afterschool.agreement_text.publish",
                             data={"kind": kind, "version": text.version, "title": text.title,
                                   "digest": hashlib.sha256(text.body.encode()).hexdigest()})


def signed_content(application: Application, text: AgreementText, signer_name: str, signed_at) -> str:
    """The exact wording a signature covers: the text version, the parties and the program terms."""
    terms = application.terms
    return "\n".join([
        f"{text.title} v{text.version}", text.body,
        f"school={application.school_id} student={application.student_id} program={application.program_id}",
        f"time={terms.get('weekdays')} {terms.get('time')} boarders={terms.get('boarders_until')}",
        f"content={'+'.join(terms.get('content', []))}", f"method={terms.get('method')}",
        f"signer={signer_name} at={signed_at.astimezone(dt.timezone.utc).isoformat()}",
    ])


def agreement_sign(*, actor: Actor, application: Application, text: AgreementText, signer_name: str,
                   consent: bool) -> Agreement:
    """The guardian e-signs the text they read, which must still be the current version of its
    kind. Once both texts are signed the student takes part (the application is enrolled)."""
    if application.guardian.user_id != getattr(actor.user, "pk", None):
        raise PermissionDenied(_("只有申请人可以签署。"))
    if application.status != Application.Status.APPROVED:
        raise Conflict(_("学校批准后才能签署，且每份文本只签署一次。"), code="not_approved")
    if not consent:
        raise ValidationFailed(fields={"consent": [_("请阅读全文并确认同意。")]})
    signer_name = signer_name.strip()
    if not signer_name:
        raise ValidationFailed(fields={"signer_name": [_("请填写签署人姓名。")]})
    same_school(application.school_id, text=text)
    kind = text.kind
    if selectors.current_agreement_texts(actor=actor, school_id=application.school_id)[kind].pk != text.pk:
        raise Conflict(_("文本已更新，请阅读最新版本后再签署。"), code="outdated_text")
    now = timezone.now()
    agreement = Agreement(school_id=application.school_id, application=application, text=text, kind=kind,
                          signer=actor.user, signer_name=signer_name, signed_at=now,
                          digest=hashlib.sha256(signed_content(application, text, signer_name, now).encode())
                          .hexdigest())
    full_clean_or_fail(agreement, exclude=["application"])
    try:
        with transaction.atomic():
            application = Application.objects.select_for_update().get(pk=application.pk)
            agreement.application = application
            agreement.save()
            audit_record(actor=actor, action="afterschool.agreement.sign", target=agreement,
                         data={"application": application.pk, "kind": kind, "text": text.pk, "version": text.version,
                               "signer_name": signer_name, "signed_at": now, "digest": agreement.digest})
            signed = set(application.agreements.values_list("kind", flat=True))
            if signed >= set(AgreementText.Kind.values):
                record_update(actor=actor, instance=application, action="afterschool.application.enroll",
                              changes={"status": Application.Status.ENROLLED, "enrolled_at": now})
    except IntegrityError as exc:
        raise Conflict(_("该文本已签署。"), code="already_signed") from exc
    return agreement
