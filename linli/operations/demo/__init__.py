"""Demo of community operations for 苗庄小区 (篇一 §四–§五), loaded by seed_demo, one module per
topic. Idempotent: rows are looked up by their natural keys and only what is missing is created."""

from linli.estates.models import Zone

from ..models import AccessCard, Asset, EnvTask, Gate, PatrolRoute, ProjectUnit, StaffMember
from . import duties, environment, facilities, gates, notices, patrols, staff


def load(ctx) -> None:
    community = ctx.communities.get("miaozhuang")
    if community is None:
        return
    zones = {z.name: z for z in Zone.objects.filter(community=community)}
    if community.company_id is not None:
        teams = staff.staff(ctx, community, zones)
        # Oversight loads before operations, so the training round by staff record comes here.
        from linli.oversight import demo_training

        demo_training.load(ctx, community)
        staff.roster(ctx, community, teams)
        patrols.load(ctx, community, zones, teams)
        environment.load(ctx, community, zones, teams)
        duties.load(ctx, community)
        ctx.log(f"社区运营（人员与日常）：{StaffMember.objects.filter(community=community).count()} 名员工，"
                f"{PatrolRoute.objects.filter(community=community).count()} 条巡逻路线，"
                f"{EnvTask.objects.filter(community=community).count()} 项保洁绿化任务")
    # The gates stand at the closed groups; without them the demo has no vehicle access to show.
    if all(name in zones for name in gates.GROUPS):
        gates.load(ctx, community, zones)
        facilities.load(ctx, community, zones)
        notices.load(ctx, community)
        done = ProjectUnit.objects.filter(project__community=community, status=ProjectUnit.Status.DONE).count()
        ctx.log(f"{community.name}：{Gate.objects.filter(community=community).count()} 部道闸，"
                f"{AccessCard.objects.filter(community=community).count()} 张门禁卡，"
                f"{Asset.objects.filter(community=community).count()} 项设施，户表改造已完成 {done} 户")
