"""The service desk's inbox messages, put into words when they are read (linli.core.sentences)."""

from django.utils.translation import gettext_noop

SENTENCES = {
    "filed": (gettext_noop("工单已登记"), gettext_noop(
        "您的%(kind)s“%(title)s”（工单号 %(id)s）已登记，我们将在 %(respond)s 前受理，%(resolve)s 前办结。")),
    "resolved": (gettext_noop("工单 #%(id)s 已办结"),
                 gettext_noop("%(text)s 请确认并评价；%(days)s 天内未确认将自动关闭。")),
}
