"""Words of the operations app read in the reader's language (linli.core.sentences)."""

from django.utils.translation import gettext_noop

# The shifts the platform seeds (linli.operations.demo.staff); the names a manager types stay as typed.
DEFAULT_NAMES = (gettext_noop("早班"), gettext_noop("中班"), gettext_noop("夜班"), gettext_noop("白班"))
