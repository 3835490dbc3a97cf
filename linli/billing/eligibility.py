"""Billing's eligibility condition for committee candidates (篇四 §一.6: 无欠费), registered with
governance when both apps are installed."""

from django.utils.translation import gettext as _

from .selectors import owner_arrears


def no_fee_arrears(community, owner) -> tuple[bool, str]:
    owed = owner_arrears(owner)
    if owed > 0:
        return False, _("尚欠物业费 %(amount)s 元。") % {"amount": owed}
    return True, ""
