"""Demo organizations and people (loaded by `manage.py seed_demo`, see linli/core/demo.py).

The jurisdiction chain of 苗庄小区 (临沂市 › 兰山区 › 兰山街道办事处 › 蒙山社区居委会), the
company 金辰物业 staffed as 篇一 §四 lays out, a second company 恒安物业 (it serves 翠园小区,
so the demo can show that one company never sees the other's data), a school, and the demo
logins of every role. Memberships tied to a community (committee members) and owners' logins
come with the community, in linli/estates/demo.py."""

from linli.core.demo import DemoContext, People, credit_code, demo_user

from .models import Membership, Organization, Role

Kind = Organization.Kind

# (key, name, kind, parent key, extra fields)
ORGANIZATIONS = [
    ("city", "临沂市", Kind.CITY, None, {}),
    ("district", "兰山区", Kind.DISTRICT, "city", {"address": "临沂市兰山区金雀山路"}),
    ("subdistrict", "兰山街道办事处", Kind.SUBDISTRICT, "district", {"address": "临沂市兰山区兰山街道"}),
    ("residents_committee", "蒙山社区居委会", Kind.RESIDENTS_COMMITTEE, "subdistrict",
     {"address": "临沂市兰山区蒙山社区"}),
    ("residents_committee_2", "涑河社区居委会", Kind.RESIDENTS_COMMITTEE, "subdistrict",
     {"address": "临沂市兰山区涑河社区"}),
    ("company", "金辰物业", Kind.COMPANY, "district",
     {"legal_representative": "陈金辰", "address": "临沂市兰山区苗庄小区物业服务中心", "phone": "0539-8216688"}),
    ("company_2", "恒安物业", Kind.COMPANY, "district",
     {"legal_representative": "周恒安", "address": "临沂市兰山区翠园小区1号楼底商", "phone": "0539-8325566"}),
    ("school", "苗庄小学", Kind.SCHOOL, "district", {"address": "临沂市兰山区苗庄小区北侧"}),
    # 篇五 names the district's 公安分局 and 消防大队 among the units of the evaluation group.
    ("police", "兰山公安分局", Kind.DEPARTMENT, "district", {"address": "临沂市兰山区"}),
    ("fire", "兰山区消防大队", Kind.DEPARTMENT, "district", {"address": "临沂市兰山区"}),
]

# 篇一 §四: (role, post, how many, demo login for the first of them)
STAFF = [
    (Role.MANAGER, "经理", 1, "manager"),
    (Role.MANAGER, "小区主任", 1, None),
    (Role.FINANCE, "财务主管", 1, "finance"),
    (Role.CASHIER, "收费员", 1, "cashier"),
    (Role.CASHIER, "现金出纳", 1, None),
    (Role.DISPATCHER, "综合管理", 2, "dispatcher"),
    (Role.GUARD, "保安队长", 1, None),
    (Role.GUARD, "保安员（金苗园）", 3, "guard"),
    (Role.GUARD, "保安员（银苗园）", 3, None),
    (Role.GUARD, "保安员（兰苗园）", 3, None),
    (Role.GUARD, "保安员（北区）", 4, None),
    (Role.TECHNICIAN, "维修主管", 1, None),
    (Role.TECHNICIAN, "维修工", 3, "technician"),
    (Role.GARDENER, "绿化主管", 1, None),
    (Role.GARDENER, "绿化工", 3, "gardener"),
    (Role.CLEANER, "保洁主管", 1, None),
    (Role.CLEANER, "保洁员（金苗园）", 3, "cleaner"),
    (Role.CLEANER, "保洁员（银苗园）", 3, None),
    (Role.CLEANER, "保洁员（兰苗园）", 3, None),
    (Role.CLEANER, "保洁员（北区一组）", 2, None),
    (Role.CLEANER, "保洁员（北区二组）", 2, None),
    (Role.CLEANER, "保洁员（北区三组）", 2, None),
    (Role.CLEANER, "保洁员（北区四组）", 2, None),
    (Role.CLEANER, "保洁员（中心游园）", 2, None),
    (Role.GUARD, "车库管理员", 2, None),
]

LOGIN_SCOPES = {
    "manager": ("物业经理", "金辰物业服务的苗庄小区：全部台账、收费、报修与人员"),
    "finance": ("财务主管", "苗庄小区：收费标准、账单、收款与报表"),
    "cashier": ("收费员", "苗庄小区：收款与收据"),
    "dispatcher": ("综合管理（客服调度）", "苗庄小区：报修投诉派单、住户登记"),
    "technician": ("维修工", "苗庄小区：派给自己的维修单"),
    "guard": ("保安员（金苗园）", "苗庄小区：巡逻、门岗与访客"),
    "cleaner": ("保洁员（金苗园）", "苗庄小区：保洁任务"),
    "gardener": ("绿化工", "苗庄小区：绿化养护任务"),
}


def _organization(ctx: DemoContext, key: str, name: str, kind: str, parent, extra: dict) -> Organization:
    organization = Organization.objects.filter(name=name, kind=kind, parent=parent).first()
    if organization is None:
        organization = Organization.objects.create(name=name, kind=kind, parent=parent, **extra)
        ctx.count("organizations")
    ctx.organizations[key] = organization
    return organization


def _membership(ctx: DemoContext, user, organization, role: str, position: str = "", community=None) -> None:
    _, created = Membership.objects.get_or_create(
        user=user, organization=organization, role=role, defaults={"position": position, "community": community}
    )
    ctx.count("memberships", int(created))


def load(ctx: DemoContext) -> None:
    rng = ctx.rng("orgs")
    people = People(rng)
    for key, name, kind, parent_key, extra in ORGANIZATIONS:
        if kind == Kind.COMPANY:
            extra = {**extra, "credit_code": credit_code(rng)}
        _organization(ctx, key, name, kind, ctx.organizations.get(parent_key), extra)
    orgs = ctx.organizations
    ctx.company = orgs["company"]

    demo_user(ctx, "admin", "平台管理员", login=("平台管理员", "全部数据，可配置平台"), is_superuser=True, is_staff=True)

    numbered: dict[str, int] = {}
    for role, position, how_many, login in STAFF:
        for i in range(how_many):
            male = rng.random() < (0.25 if role == Role.CLEANER else 0.8)
            display_name, phone = people.name(male), people.mobile()
            if login and i == 0:
                user = demo_user(ctx, login, display_name, login=LOGIN_SCOPES[login], phone=phone)
            else:
                numbered[role] = numbered.get(role, 0) + 1
                user = demo_user(ctx, f"jc-{role}-{numbered[role]:02d}", display_name, phone=phone)
            _membership(ctx, user, ctx.company, role, position)

    regulators = [
        ("district", "district", "区物业主管部门", "兰山区物业主管部门",
         "兰山区辖区内全部小区（苗庄小区、翠园小区）：投诉督办、考评、信用"),
        ("regulator", "subdistrict", "街道物业办", "兰山街道物业办",
         "兰山街道辖区内小区（苗庄小区、翠园小区）：投诉督办、考评、业委会组建"),
        ("rc", "residents_committee", "社区物业专干", "蒙山社区居委会", "蒙山社区的苗庄小区：投诉督办、业委会指导"),
    ]
    for username, org_key, position, label, scope in regulators:
        user = demo_user(ctx, username, people.name(), login=(label, scope), phone=people.mobile())
        _membership(ctx, user, orgs[org_key], Role.REGULATOR, position)

    evaluators = [("police", "公安分局考评员（治安秩序维护）", "兰山区内的检查：只评“治安秩序维护”一类"),
                  ("fire", "消防大队考评员（消防与设施设备安全）", "兰山区内的检查：只评“消防与设施设备安全”一类")]
    for username, label, scope in evaluators:
        user = demo_user(ctx, username, people.name(), login=(label, scope), phone=people.mobile())
        _membership(ctx, user, orgs[username], Role.EVALUATOR, "考评专人")

    user = demo_user(ctx, "school", people.name(male=False), login=("学校管理员（苗庄小学）", "苗庄小学的课后服务"))
    _membership(ctx, user, orgs["school"], Role.SCHOOL_ADMIN, "课后服务负责人")

    other = [("other", Role.MANAGER, "经理"), ("ha-cashier-01", Role.CASHIER, "收费员"), ("ha-guard-01", Role.GUARD, "保安员")]
    for username, role, position in other:
        login = ("另一家物业的经理（恒安物业）", "恒安物业服务的翠园小区，看不到苗庄小区") if username == "other" else None
        user = demo_user(ctx, username, people.name(), login=login, phone=people.mobile())
        _membership(ctx, user, orgs["company_2"], role, position)
    ctx.log(f"机构与人员：{len(orgs)} 个机构，{len(ctx.users)} 个账号")
