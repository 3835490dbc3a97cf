"""Demo of the counted training round (篇三 §三(三)一), run by the operations demo once 苗庄小区's
staff records exist (oversight loads before operations in INSTALLED_APPS).

Five in six of the staff attended the district's June session; two of the rest attended a make-up
session on 8 September, after the 31 August deadline, so they still count as untrained. The 经理
holds a 物业管理师 certificate and the managers and security staff hold 上岗证, so the company's
qualification check names who still lacks one. Idempotent: nothing is added twice."""

import datetime as dt

from linli.core.tenancy import SystemActor

from . import services, training
from .models import Certificate, TrainingAttendance, TrainingSession

MAKE_UP_DAY = dt.date(2026, 9, 8)


def load(ctx, community) -> None:
    district = ctx.organizations.get("district")
    june = TrainingSession.objects.filter(organizer=district, held_on=dt.date(2026, 6, 3)).first()
    if june is None or TrainingAttendance.objects.filter(staff__community=community).exists():
        return
    actor = SystemActor()
    staff = list(training.company_staff(community.company_id).filter(community=community))
    missed = [s for n, s in enumerate(staff) if n % 6 == 5]
    for member in staff:
        training.attendance_record(actor=actor, session=june, staff=member, attended=member not in missed)
        ctx.count("training attendance")
    make_up = services.training_session_create(actor=actor, organizer=district, title="从业人员补训",
                                               tier="staff", held_on=MAKE_UP_DAY)
    for member in missed[:2]:
        training.attendance_record(actor=actor, session=make_up, staff=member)
        ctx.count("training attendance")
    if Certificate.objects.filter(staff__community=community).exists():
        return
    for n, member in enumerate(staff, start=1):
        if training.is_project_manager(member):
            training.certificate_register(actor=actor, staff=member, kind="manager", number=f"WYGLS-2024-{n:04d}",
                                          issued_on=dt.date(2024, 3, 1), expires_on=dt.date(2027, 2, 28))
        elif member.position.kind in ("management", "security"):
            training.certificate_register(actor=actor, staff=member, kind="operating", number=f"SGZ-2025-{n:04d}",
                                          issued_on=dt.date(2025, 9, 1), expires_on=dt.date(2028, 8, 31))
        else:
            continue
        ctx.count("certificates")
