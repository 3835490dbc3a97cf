"""Demo notices of 苗庄小区: three, to the community, a zone and a building."""



from linli.core.demo import DemoContext
from linli.core.tenancy import Actor, SystemActor
from linli.estates.models import Building, Unit

from ..models import Notice
from ..services import notices


def load(ctx: DemoContext, community) -> None:
    manager = ctx.users.get("manager")
    actor = Actor(manager) if manager is not None else SystemActor()
    owner = ctx.users.get("owner")
    home = (Unit.objects.filter(community=community, ownerships__owner__user=owner).select_related("building__zone")
            .order_by("id").first() if owner is not None else None)
    building = home.building if home is not None else Building.objects.filter(community=community).order_by("id").first()
    zone = building.zone if building is not None else None
    specs = [
        ("关于金苗园、银苗园、兰苗园实行持卡出入的通知", Notice.Audience.COMMUNITY, None, None, True,
         "各位业主：\n南区三个组团已增设挡车器，自 12 月 1 日起车辆凭门禁卡出入，访客车辆由门岗登记并发放临时通行证。"
         "门禁卡遗失请及时到服务中心挂失补办。\n金辰物业苗庄小区服务中心"),
        (f"{zone.name if zone else '本区'}停水通知", Notice.Audience.ZONE if zone else Notice.Audience.COMMUNITY,
         zone, None, False,
         "因户表改造施工，本周四 9:00–15:00 暂停供水，请提前储水。给您带来不便，敬请谅解。"),
        (f"{building.name if building else ''}楼道清扫及杂物清理", Notice.Audience.BUILDING if building else
         Notice.Audience.COMMUNITY, None, building, False,
         "本周六上午统一清扫楼道、扶手，请将楼道内堆放的杂物于周五前自行清理。"),
    ]
    for title, audience, zone_ref, building_ref, pinned, body in specs:
        if Notice.objects.filter(community=community, title=title).exists():
            continue
        notice = notices.notice_create(actor=actor, community=community, title=title, body=body, audience=audience,
                                       zone=zone_ref, building=building_ref, pinned=pinned)
        notices.notice_publish(actor=actor, notice=notice)
        ctx.count("notices")
