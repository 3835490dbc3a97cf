"""Appraisal and greening objects of one tenant, built through the services (篇一 5.6, 五)."""

import datetime as dt

from django.utils import timezone

from linli.core.tenancy import Actor
from linli.operations.models import GreenArea, Position, StaffMember, StaffTeam
from linli.operations.services import appraisal as appraisal_services
from linli.operations.services import greening as greening_services


def staff(t, n: int, *, position: str = "保安员", team: str | None = "北区保安班") -> list:
    """n active staff records of one position and team."""
    kind = "security"
    pos, _ = Position.objects.get_or_create(community=t.community, name=position, defaults={"kind": kind})
    squad = (StaffTeam.objects.get_or_create(community=t.community, name=team, defaults={"kind": kind})[0]
             if team else None)
    start = StaffMember.objects.filter(community=t.community).count()
    return [StaffMember.objects.create(community=t.community, name=f"员工{start + i:02d}", position=pos, team=squad)
            for i in range(n)]


def appraisal(t, **fields):
    today = timezone.localdate()
    data = {"name": "2026年第一季度考核", "period_start": today - dt.timedelta(days=90), "period_end": today}
    data.update(fields)
    return appraisal_services.appraisal_create(actor=Actor(t.user("manager")), community=t.community, **data)


def duty_objects(t) -> dict:
    """One of each: an appraisal with a score, a species, a planting, a plot and a streetlight fault."""
    manager = Actor(t.user("manager"))
    member = staff(t, 1)[0]
    review = appraisal(t)
    appraisal_services.appraisal_score(actor=manager, appraisal=review, member=member, scores=[15] * 5)
    species = greening_services.plant_species_create(actor=manager, community=t.community, name="桂花",
                                                     evergreen=True, tall_crown=True)
    planting = greening_services.planting_create(actor=manager, community=t.community, species=species,
                                                 area=GreenArea.CENTRAL_GARDEN, location="中心游园东侧", quantity=6,
                                                 date=timezone.localdate())
    plot = greening_services.plot_report(actor=manager, community=t.community, location="3号楼楼后绿化带")
    fault = greening_services.streetlight_report(actor=manager, community=t.community, location="5号楼东侧路灯")
    return {"appraisal": review, "plantspecies": species, "planting": planting, "plotclearance": plot,
            "streetlightfault": fault}
