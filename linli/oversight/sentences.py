"""Credit-file sentences in the reader's language (linli.core.sentences.reword). The services write
each entry's title and detail in Chinese from these templates (linli.oversight.services); a public
page in English puts them into English again. Entries typed by someone stay as typed."""

from django.utils.translation import gettext_noop

from linli.core.sentences import reword

TEMPLATES = (
    gettext_noop("%(quarter)s 日常考评第 %(rank)s 名"),
    gettext_noop("得分 %(score)s（%(org)s）"),
    gettext_noop("受理 %(total)s 件，按时办结率 %(on_time)s，回访满意率 %(satisfied)s，重复投诉率 %(repeat)s，"
                 "督办 %(urges)s 次"),
    gettext_noop("%(year)s 年度综合考评：%(status)s（第 %(rank)s 名）"),
    gettext_noop("日常考评 %(q)s，年度考核 %(a)s，综合得分 %(t)s"),
    gettext_noop("%(year)s 年度热线投诉统计"),
    gettext_noop("%(year)s 年度考评不及格，通报批评并限期整改"),
    gettext_noop("整改期限 %(date)s"),
    gettext_noop("整改复查合格"),
    gettext_noop("整改复查不合格"),
    gettext_noop("复查得分 %(score)s"),
    gettext_noop("整改不力，报请市房管局%(action)s"),
    gettext_noop("“%(title)s”复核不达标，撤销荣誉称号"),
    gettext_noop("“%(title)s”复核不达标，责令整改"),
)
# Parameters that are the platform's own words: a result's status, a proposed action.
WORDS = frozenset({"status", "action"})


def credit_text(text: str) -> str:
    return reword(text, TEMPLATES, WORDS)
