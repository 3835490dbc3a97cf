from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped

from .usernames import skeleton

# Case folding lengthens a name at most threefold (ΐ → ΐ); longer skeletons are cut, which can
# only make two very long names count as alike.
SKELETON_LENGTH = 450


class User(AbstractUser):
    """A login. Staff, regulators and school people get roles through memberships;
    an owner's login is the `user` of an owner record (DESIGN §5)."""

    display_name = models.CharField(_("姓名"), max_length=60, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    created_by = models.ForeignKey(
        "self", verbose_name=_("创建人"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        help_text=_("创建该账号的经理可以在其入职前看到它，以便分配岗位。"),
    )
    # What the username looks like (linli.orgs.usernames): kept with it, so that a look-alike of
    # any existing name is found by one indexed query.
    username_skeleton = models.CharField(max_length=SKELETON_LENGTH, db_index=True, editable=False, default="")

    class Meta:
        ordering = ["id"]
        verbose_name = _("用户")
        verbose_name_plural = _("用户")

    def __str__(self):
        return self.display_name or self.username

    def save(self, *args, **kwargs):
        self.username_skeleton = skeleton(self.username)[:SKELETON_LENGTH]
        update_fields = kwargs.get("update_fields")
        if update_fields is not None and "username" in update_fields:
            kwargs["update_fields"] = {*update_fields, "username_skeleton"}
        super().save(*args, **kwargs)

    def validate_unique(self, exclude=None):
        """Unique up to looks: `Admin` or `аdmin` (Cyrillic а) cannot join an existing `admin`.
        Only a new or changed name is checked: look-alikes from before the check keep working."""
        super().validate_unique(exclude)
        if exclude and "username" in exclude:
            return
        look = skeleton(self.username)[:SKELETON_LENGTH]
        alike = User.objects.filter(username_skeleton=look).exclude(pk=self.pk).exists()
        if alike and not User.objects.filter(pk=self.pk, username=self.username).exists():
            raise ValidationError({"username": ValidationError(
                _("该用户名与已有的用户名过于相似，容易混淆，请换一个。"), code="confusable")})


class OrganizationManager(models.Manager):
    """Walks of the organization tree (a few levels deep, one query per level). They live with
    the model so that tenancy reaches them without importing the orgs selectors."""

    def descendant_ids(self, root_ids) -> set[int]:
        """The given organizations and everything below them."""
        found = set(root_ids)
        frontier = set(root_ids)
        while frontier:
            frontier = set(self.filter(parent_id__in=frontier).values_list("id", flat=True)) - found
            found |= frontier
        return found

    def ancestor_ids(self, ids) -> set[int]:
        """The given organizations and everything above them."""
        found = set(ids)
        frontier = set(ids)
        while frontier:
            parents = set(self.filter(id__in=frontier, parent__isnull=False).values_list("parent_id", flat=True))
            frontier = parents - found
            found |= frontier
        return found


class Organization(TimeStamped):
    class Kind(models.TextChoices):
        CITY = "city", _("市")
        DISTRICT = "district", _("区")
        SUBDISTRICT = "subdistrict", _("街道办事处")
        RESIDENTS_COMMITTEE = "residents_committee", _("社区居委会")
        COMPANY = "company", _("物业服务企业")
        SCHOOL = "school", _("学校")
        # 篇五: the police, fire brigade and other units that score their own categories of the
        # evaluation; one hangs under the jurisdiction (its area) whose inspections it scores.
        DEPARTMENT = "department", _("政府职能部门")

    # The jurisdiction tree runs city › district › sub-district › residents' committee;
    # a company or school may hang under the jurisdiction that registered it, or nowhere.
    JURISDICTION_PARENT = {
        Kind.CITY: set(),
        Kind.DISTRICT: {Kind.CITY},
        Kind.SUBDISTRICT: {Kind.DISTRICT},
        Kind.RESIDENTS_COMMITTEE: {Kind.SUBDISTRICT},
    }

    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=24, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self", verbose_name=_("上级"), null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    credit_code = models.CharField(_("统一社会信用代码"), max_length=18, blank=True)
    legal_representative = models.CharField(_("法定代表人"), max_length=60, blank=True)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("联系电话"), max_length=40, blank=True)

    objects = OrganizationManager()

    class Meta:
        ordering = ["kind", "name", "id"]
        verbose_name = _("机构")
        verbose_name_plural = _("机构")

    def __str__(self):
        return self.name

    @property
    def is_jurisdiction(self) -> bool:
        return self.kind in self.JURISDICTION_PARENT


class Role(models.TextChoices):
    MANAGER = "manager", _("经理")
    FINANCE = "finance", _("财务")
    CASHIER = "cashier", _("出纳/收费员")
    DISPATCHER = "dispatcher", _("客服调度")
    TECHNICIAN = "technician", _("维修工")
    GUARD = "guard", _("保安")
    CLEANER = "cleaner", _("保洁员")
    GARDENER = "gardener", _("绿化工")
    COMMITTEE_MEMBER = "committee_member", _("业委会委员")
    REGULATOR = "regulator", _("监管人员")
    SCHOOL_ADMIN = "school_admin", _("学校管理员")
    TEACHER = "teacher", _("教师")
    GUARDIAN = "guardian", _("监护人")
    EVALUATOR = "evaluator", _("部门考评员")


STAFF_ROLES = frozenset(
    {Role.MANAGER, Role.FINANCE, Role.CASHIER, Role.DISPATCHER, Role.TECHNICIAN, Role.GUARD, Role.CLEANER, Role.GARDENER}
)
SCHOOL_ROLES = frozenset({Role.SCHOOL_ADMIN, Role.TEACHER, Role.GUARDIAN})

# Which organization kinds each role can belong to.
ROLE_ORGANIZATION_KINDS = {
    **{role: {Organization.Kind.COMPANY} for role in STAFF_ROLES},
    Role.REGULATOR: {
        Organization.Kind.CITY,
        Organization.Kind.DISTRICT,
        Organization.Kind.SUBDISTRICT,
        Organization.Kind.RESIDENTS_COMMITTEE,
    },
    # A committee member belongs to the community's residents' committee and names the community.
    Role.COMMITTEE_MEMBER: {Organization.Kind.RESIDENTS_COMMITTEE},
    **{role: {Organization.Kind.SCHOOL} for role in SCHOOL_ROLES},
    # A department's evaluator scores only the categories the department answers for (篇五).
    Role.EVALUATOR: {Organization.Kind.DEPARTMENT},
}


class Membership(TimeStamped):
    user = models.ForeignKey(User, verbose_name=_("用户"), on_delete=models.CASCADE, related_name="memberships")
    organization = models.ForeignKey(
        Organization, verbose_name=_("机构"), on_delete=models.PROTECT, related_name="memberships"
    )
    role = models.CharField(_("角色"), max_length=24, choices=Role.choices)
    community = models.ForeignKey(
        "estates.Community",
        verbose_name=_("小区"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="memberships",
        help_text=_("业委会委员所在的小区；其他角色留空。"),
    )
    position = models.CharField(_("岗位"), max_length=60, blank=True)
    active = models.BooleanField(_("在职"), default=True)

    class Meta:
        ordering = ["organization_id", "role", "id"]
        verbose_name = _("任职")
        verbose_name_plural = _("任职")
        constraints = [
            models.UniqueConstraint(fields=["user", "organization", "role"], name="membership_unique_role"),
        ]

    def __str__(self):
        return f"{self.user} · {self.organization} · {self.get_role_display()}"
