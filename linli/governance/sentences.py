"""Governance sentences in the reader's language (linli.core.sentences): owners' inbox messages,
and fund ledger lines. The services write a line's summary in Chinese when nobody typed one;
those summaries are put into words again from the entry's kind, its use of the fund and the first
deposit's rate. A summary someone typed stays as typed."""

import re

from django.utils.translation import gettext, gettext_noop

# Inbox messages put into words when they are read (linli.core.sentences); the notice is typed.
SENTENCES = {
    "assembly_notice": (gettext_noop("业主大会会议通知：%(title)s"), "%(notice)s"),
    "assembly_result": (gettext_noop("业主大会表决结果公布：%(title)s"), gettext_noop("表决结果已公布，请登录查看。")),
}

FIRST_DEPOSIT = gettext_noop("首期交存：%(rate)s 元/m² × 建筑面积")
WITHDRAWAL = gettext_noop("维修资金使用：%(title)s")
# The summaries a top-up or an interest line gets when none was typed (linli.governance.services.fund).
DEFAULT_MEMOS = {"top_up": gettext_noop("续筹"), "interest": gettext_noop("利息分配")}
FIRST_DEPOSIT_MEMO = re.compile(r"^首期交存：(?P<rate>[\d.]+) 元/m² × 建筑面积$")


def fund_memo(entry) -> str:
    memo = entry.memo
    if entry.kind == "withdrawal" and entry.usage_id and memo == WITHDRAWAL % {"title": entry.usage.title}:
        return gettext(WITHDRAWAL) % {"title": entry.usage.title}
    if entry.kind == "first_deposit" and (match := FIRST_DEPOSIT_MEMO.match(memo)):
        return gettext(FIRST_DEPOSIT) % {"rate": match["rate"]}
    if memo and memo == DEFAULT_MEMOS.get(entry.kind):
        return gettext(memo)
    return memo or entry.get_kind_display()
