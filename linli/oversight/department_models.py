"""Evaluation by every department (篇五): the units of the evaluation group score the categories
they answer for — the police 治安秩序维护, the fire brigade 消防与设施设备安全 … — in the
inspections of their area (the jurisdiction the department hangs under)."""

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from linli.core.models import TimeStamped
from linli.core.money import FixedPointField

CATEGORY_NUMBER = [MinValueValidator(1), MaxValueValidator(6)]


class DepartmentDuty(TimeStamped):
    """A category (by its number, the same in every rubric version) that a department scores."""

    department = models.ForeignKey("orgs.Organization", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="evaluation_duties", limit_choices_to={"kind": "department"})
    category = models.PositiveSmallIntegerField(_("考评类别序号"), validators=CATEGORY_NUMBER)

    class Meta:
        ordering = ["department_id", "category"]
        verbose_name = _("部门考评职责")
        verbose_name_plural = _("部门考评职责")
        constraints = [models.UniqueConstraint(fields=["department", "category"], name="department_duty_once")]


class DepartmentScore(TimeStamped):
    """A department's score of its category in one inspection. The item points themselves are the
    inspection's item scores, which the department's scoring replaces."""

    inspection = models.ForeignKey("oversight.Inspection", on_delete=models.CASCADE, related_name="department_scores")
    department = models.ForeignKey("orgs.Organization", verbose_name=_("部门"), on_delete=models.PROTECT,
                                   related_name="+")
    category = models.PositiveSmallIntegerField(_("考评类别序号"), validators=CATEGORY_NUMBER)
    evaluator = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("考评人"), on_delete=models.PROTECT,
                                  related_name="+")
    points = FixedPointField(_("得分"), places=2, validators=[MinValueValidator(0)])
    scored_on = models.DateField(_("考评日期"))
    notes = models.CharField(_("考评意见"), max_length=200, blank=True)

    class Meta:
        ordering = ["inspection_id", "category", "id"]
        verbose_name = _("部门评分")
        verbose_name_plural = _("部门评分")
        constraints = [models.UniqueConstraint(fields=["inspection", "department", "category"],
                                               name="department_score_once")]
