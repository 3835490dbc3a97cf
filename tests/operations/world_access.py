"""Operations objects of vehicle access, visitors, facilities, projects and notices for one tenant."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone

from linli.core.tenancy import SystemActor
from linli.operations.models import ProjectUnit
from linli.operations.services import facilities, gates, notices


def access_objects(b) -> dict:
    system = SystemActor()
    community = b.community
    vehicle = gates.vehicle_create(actor=system, community=community, plate="鲁Q9B123", unit=b.units[0],
                                    owner=b.owners[0])
    card = gates.card_issue(actor=system, community=community, number="B-0001", vehicle=vehicle,
                             parking_space=b.extra["parking_space"])
    gate, _key = gates.gate_create(actor=system, community=community, name="乙道闸", zone=b.zone)
    event, _created = gates.gate_event_record(gate=gate, event_id="b-1", direction="in", at=timezone.now(),
                                               card_number="B-0001")
    visitor = gates.visitor_register(actor=system, community=community, name="乙访客", plate="鲁QB7777",
                                      pass_hours=4)
    asset = facilities.asset_create(actor=system, community=community, kind="streetlight", code="B-LD-01",
                                    name="乙路灯", zone=b.zone)
    plan = facilities.maintenance_plan_create(actor=system, asset=asset, name="灯具检查", every_days=30)
    record = facilities.maintenance_record_create(actor=system, asset=asset, description="更换灯泡",
                                                  done_on=timezone.localdate() - dt.timedelta(days=1), plan=plan)
    project = facilities.project_create(actor=system, community=community, kind="retrofit", name="乙户表改造",
                                        budget=Decimal("1000.00"))
    facilities.project_units_add(actor=system, project=project)
    funding = facilities.project_funding_add(actor=system, project=project, source="government",
                                             amount=Decimal("500.00"))
    notice = notices.notice_create(actor=system, community=community, title="乙公告", body="停水通知")
    notices.notice_publish(actor=system, notice=notice)
    return {
        "vehicle": vehicle, "accesscard": card, "gate": gate, "gateevent": event,
        "temporarypass": visitor.passes.get(), "visitor": visitor, "asset": asset, "maintenanceplan": plan,
        "maintenancerecord": record, "project": project, "projectunit": ProjectUnit.objects.filter(project=project)
        .first(), "projectfunding": funding, "notice": notice,
    }


def closed_groups(t) -> dict:
    """南区 with its closed group 金苗园 (a building, a gate) beside tenant `t`'s 北区, and a
    vehicle with an active card for 金苗园 bound to the tenant's parking space."""
    from linli.estates.models import Zone
    from tests import factories as f

    system = SystemActor()
    south = f.ZoneFactory(community=t.community, name="南区")
    group = f.ZoneFactory(community=t.community, name="金苗园", parent=south, kind=Zone.Kind.GROUP,
                          closed_management=True)
    building = f.BuildingFactory(community=t.community, zone=group, name="金1号楼")
    gate, key = gates.gate_create(actor=system, community=t.community, name="金苗园挡车器", zone=group)
    vehicle = gates.vehicle_create(actor=system, community=t.community, plate="鲁Q12345", unit=t.units[0],
                                    owner=t.owners[0])
    card = gates.card_issue(actor=system, community=t.community, number="C-1001", vehicle=vehicle,
                             parking_space=t.extra["parking_space"], zones=[group])
    return {"south": south, "group": group, "building": building, "gate": gate, "key": key, "vehicle": vehicle,
            "card": card}
