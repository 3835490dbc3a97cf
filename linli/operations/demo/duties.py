"""Demo staff appraisal and greening of 苗庄小区 (篇一 5.6 and 五): last quarter's appraisal closed
with its 20 / 70 / 10 bands, the species and plantings of 3.1 and 3.3 (the residents' activity
places still lack evergreens), vegetable plots in the green belts at each step, and streetlight
faults with the power company, one of them overdue."""

import datetime as dt

from django.utils import timezone

from linli.core.demo import DemoContext
from linli.core.tenancy import SystemActor

from ..models import Appraisal, GreenArea, PlantSpecies, PlotClearance, StaffMember, StreetlightFault
from ..services import appraisal as appraisal_services
from ..services import greening as greening_services

# name, evergreen, tall crown, colourful
SPECIES = [("雪松", True, True, False), ("桂花", True, True, True), ("红叶石楠", True, False, True),
           ("女贞", True, True, False), ("月季", False, False, True), ("草坪（马尼拉）", False, False, False)]
# species, area, location, kind, quantity, days ago
PLANTINGS = [("桂花", GreenArea.CENTRAL_GARDEN, "中心游园东入口", "planting", 6, 40),
             ("雪松", GreenArea.CENTRAL_GARDEN, "中心游园北侧", "planting", 4, 40),
             ("红叶石楠", GreenArea.SQUARE, "广场四周花坛", "planting", 24, 30),
             ("月季", GreenArea.BUILDING_BELT, "金苗园5号楼楼前", "replanting", 30, 12),
             ("草坪（马尼拉）", GreenArea.ROADSIDE, "北区主路两侧", "replanting", 80, 8)]
# location, days since found, step (reported / notified / cleared), days from notice to deadline
PLOTS = [("银苗园3号楼楼后绿化带", 2, "reported"), ("金苗园7号楼楼前绿化带", 12, "notified"),
         ("兰苗园2号楼楼后绿化带", 20, "cleared")]
# location, days since reported, power company reference or "", days after handover promised, fixed
LIGHTS = [("北区18号楼南侧路灯", 15, "GD-2026-0311", None, False),
          ("中心游园西侧路灯", 9, "GD-2026-0318", 5, True),
          ("金苗园北门路灯", 1, "", None, False)]


def _appraisal(ctx: DemoContext, community, actor) -> None:
    name = "上季度员工考核"
    if Appraisal.objects.filter(community=community, name=name).exists():
        return
    members = list(StaffMember.objects.filter(community=community, active=True).order_by("id"))
    if not members:
        return
    rng = ctx.rng("operations.appraisal")
    today = timezone.localdate()
    end = today.replace(day=1) - dt.timedelta(days=1)
    review = appraisal_services.appraisal_create(actor=actor, community=community, name=name,
                                                 period_start=end - dt.timedelta(days=89), period_end=end)
    for member in members:
        appraisal_services.appraisal_score(actor=actor, appraisal=review, member=member,
                                           scores=[rng.randrange(10, 21) for _ in review.criteria],
                                           comment=rng.choice(["", "", "服务主动热情", "需加强学习"]))
    appraisal_services.appraisal_close(actor=actor, appraisal=review)
    ctx.count("appraisals")


def _greening(ctx: DemoContext, community, actor) -> None:
    today = timezone.localdate()
    if not PlantSpecies.objects.filter(community=community).exists():
        species = {name: greening_services.plant_species_create(actor=actor, community=community, name=name,
                                                                evergreen=ever, tall_crown=tall, colourful=bright)
                   for name, ever, tall, bright in SPECIES}
        for name, area, location, kind, quantity, ago in PLANTINGS:
            greening_services.planting_create(actor=actor, community=community, species=species[name], area=area,
                                              location=location, kind=kind, quantity=quantity,
                                              date=today - dt.timedelta(days=ago))
        ctx.count("plantings", len(PLANTINGS))
    if not PlotClearance.objects.filter(community=community).exists():
        for location, ago, step in PLOTS:
            found = today - dt.timedelta(days=ago)
            plot = greening_services.plot_report(actor=actor, community=community, location=location,
                                                 description="种植青菜、葱蒜", reported_on=found)
            if step in ("notified", "cleared"):
                plot = greening_services.plot_notify(actor=actor, plot=plot, notified_on=found + dt.timedelta(days=1))
            if step == "cleared":
                greening_services.plot_clear(actor=actor, plot=plot, cleared_on=plot.deadline)
        ctx.count("vegetable plots", len(PLOTS))
    if not StreetlightFault.objects.filter(community=community).exists():
        for location, ago, reference, promised, fixed in LIGHTS:
            reported = today - dt.timedelta(days=ago)
            fault = greening_services.streetlight_report(actor=actor, community=community, location=location,
                                                         description="夜间不亮", reported_on=reported)
            if reference:
                handed = reported + dt.timedelta(days=1)
                fault = greening_services.streetlight_hand_over(
                    actor=actor, fault=fault, power_reference=reference, handed_over_on=handed,
                    promised_by=handed + dt.timedelta(days=promised) if promised else None)
            if fixed:
                greening_services.streetlight_fixed(actor=actor, fault=fault, fixed_on=fault.due_on())
        ctx.count("streetlight faults", len(LIGHTS))


def load(ctx: DemoContext, community) -> None:
    actor = SystemActor()
    _appraisal(ctx, community, actor)
    _greening(ctx, community, actor)
