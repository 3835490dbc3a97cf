"""Words of the billing app read in the reader's language (linli.core.sentences)."""

from django.utils.translation import gettext_noop

# The fee items the platform seeds (linli.billing.demo); the names a manager types stay as typed.
DEFAULT_NAMES = (gettext_noop("物业费"), gettext_noop("垃圾转运处理费"), gettext_noop("车位使用费"))
