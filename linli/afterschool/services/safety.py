"""The gate book and incidents with the emergency-plan checklist."""

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.errors import Conflict, PermissionDenied, ValidationFailed
from linli.core.services import model_snapshot, record_create, record_update
from linli.core.tenancy import Actor
from linli.orgs.models import Organization

from .. import selectors
from ..models import EMERGENCY_CHECKLIST, GateVisit, Incident, Session
from .common import require_school, same_school


def _require_duty_or_admin(actor: Actor, school_id: int) -> None:
    if not (selectors.is_school_admin(actor, school_id) or selectors.on_duty(actor, school_id, timezone.localdate())):
        raise PermissionDenied(_("只有当天值班人员和学校管理员可以操作。"))


def gate_visit_record(*, actor: Actor, school: Organization, visitor_name: str, purpose: str, phone: str = "",
                      id_number: str = "", host: str = "") -> GateVisit:
    """门卫登记: every outsider who enters during the service is written down on arrival."""
    require_school(school)
    _require_duty_or_admin(actor, school.pk)
    return record_create(actor=actor, instance=GateVisit(
        school=school, visitor_name=visitor_name.strip(), purpose=purpose.strip(), phone=phone.strip(),
        id_number=id_number.strip().upper(), host=host.strip(), arrived_at=timezone.now(), recorded_by=actor.user,
    ), action="afterschool.gate.arrive", data={"visitor_name": visitor_name, "purpose": purpose, "host": host})


def gate_visit_leave(*, actor: Actor, gate_visit: GateVisit) -> GateVisit:
    _require_duty_or_admin(actor, gate_visit.school_id)
    if gate_visit.left_at is not None:
        raise Conflict(_("已登记离校。"), code="already_left")
    return record_update(actor=actor, instance=gate_visit, changes={"left_at": timezone.now()},
                         action="afterschool.gate.leave")


def incident_report(*, actor: Actor, school: Organization, kind: str, location: str, description: str,
                    occurred_at=None, session: Session | None = None, students=()) -> Incident:
    require_school(school)
    _require_duty_or_admin(actor, school.pk)
    same_school(school.pk, session=session)
    for student in students:
        same_school(school.pk, students=student)
    incident = Incident(school=school, kind=kind, location=location.strip(), description=description.strip(),
                        occurred_at=occurred_at or timezone.now(), session=session, reported_by=actor.user)
    with transaction.atomic():
        record_create(actor=actor, instance=incident, action="afterschool.incident.report",
                      data={**model_snapshot(incident), "students": [s.pk for s in students]})
        incident.students.set(students)
    return incident


def _may_handle(actor: Actor, incident: Incident) -> bool:
    return selectors.is_school_admin(actor, incident.school_id) or incident.reported_by_id == getattr(
        actor.user, "pk", None)


def incident_check(*, actor: Actor, incident: Incident, step: str, note: str = "") -> Incident:
    """Tick one step of the emergency-plan checklist, with who did it and when."""
    if not _may_handle(actor, incident):
        raise PermissionDenied()
    if step not in {key for key, _label, _required in EMERGENCY_CHECKLIST}:
        raise ValidationFailed(fields={"step": [_("未知的处置步骤。")]})
    if incident.status == Incident.Status.CLOSED:
        raise Conflict(_("该事件已结案。"), code="closed")
    checklist = {**incident.checklist, step: {"at": timezone.now().isoformat(), "by": str(actor.user),
                                              "note": note.strip()}}
    return record_update(actor=actor, instance=incident, changes={"checklist": checklist},
                         action="afterschool.incident.check")


def incident_close(*, actor: Actor, incident: Incident, summary: str) -> Incident:
    """Only a case whose required steps are all done, with a written summary, is closed."""
    if not selectors.is_school_admin(actor, incident.school_id):
        raise PermissionDenied(_("由学校管理员结案。"))
    if incident.status == Incident.Status.CLOSED:
        raise Conflict(_("该事件已结案。"), code="closed")
    missing = [str(label) for key, label, required in EMERGENCY_CHECKLIST if required and key not in incident.checklist]
    if missing:
        raise ValidationFailed(_("尚有必需的处置步骤未完成：%(steps)s。") % {"steps": "；".join(missing)},
                               fields={"checklist": missing})
    if not summary.strip():
        raise ValidationFailed(fields={"summary": [_("请填写处置总结。")]})
    return record_update(actor=actor, instance=incident, action="afterschool.incident.close", changes={
        "status": Incident.Status.CLOSED, "closed_at": timezone.now(), "summary": summary.strip()})
