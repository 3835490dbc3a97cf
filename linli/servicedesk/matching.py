"""Repeat complaints (篇一 7.2 客户对同一件事的投诉最多只能一次): is a new complaint about the
same matter as an earlier one? Same category and place, or texts that share their words
(jieba tokens)."""

import logging
import re

import jieba

jieba.setLogLevel(logging.WARNING)
# Words of the trade that jieba's general dictionary would split or swallow.
for word in ("楼道", "路灯", "声控灯", "楼道灯", "漏水", "渗水", "噪音", "电梯", "下水道", "化粪池", "门禁", "单元门"):
    jieba.add_word(word, freq=200000)

# Words that say nothing about the matter: particles, and how people complain about anything.
STOP_WORDS = frozenset(
    "的 了 又 还 还是 也 都 在 是 有 没 没有 很 太 就 和 与 及 我 我家 我们 你们 他们 请 请问 麻烦 一下 "
    "一直 已经 仍然 依然 再次 多次 好几次 几天 今天 昨天 最近 现在 怎么 什么 为什么 问题 情况 反映 投诉 "
    "报修 希望 尽快 处理 解决 能否 能不能 可以 一个 这个 那个 这 那 吗 呢 吧 啊".split()
)
# Share of the shorter text's words the other must contain, and the fewest shared words.
MIN_OVERLAP = 0.6
MIN_SHARED = 2


NEGATIONS = ("不", "没")


def tokens(text: str) -> set[str]:
    """The words of a text that name the matter. A negation stays with its verb (不亮, 没水) and
    is split from the thing it is about (灯不亮 → 灯, 不亮), so that the ways people put the same
    complaint share their words; 又/还 and a final 了 say only that it happened again."""
    words = jieba.lcut_for_search(text or "", HMM=False)
    merged, i = [], 0
    while i < len(words):
        word = words[i]
        if word in NEGATIONS and i + 1 < len(words):
            word += words[i + 1]
            i += 1
        merged.append(word)
        i += 1
    found = set()
    for word in merged:
        split = re.match(r"^(.+?)([不没].+)$", word) if len(word) >= 3 else None
        for part in split.groups() if split else (word,):
            part = part.strip().lstrip("又还再").rstrip("了")
            if part and part not in STOP_WORDS and not re.fullmatch(r"\W+", part):
                found.add(part)
    return found


def same_text(a: str, b: str) -> bool:
    ta, tb = tokens(a), tokens(b)
    shared = ta & tb
    if len(shared) < MIN_SHARED:
        return False
    return len(shared) / min(len(ta), len(tb)) >= MIN_OVERLAP


def _place(location: str) -> str:
    return re.sub(r"\s+", "", location or "")


def same_matter(new, earlier) -> bool:
    """`new` and `earlier` are ServiceRequests (new may be unsaved)."""
    if new.category_id and new.category_id == earlier.category_id:
        if _place(new.location) and _place(new.location) == _place(earlier.location):
            return True
        if new.zone_id and new.zone_id == earlier.zone_id and not (new.unit_id or earlier.unit_id) \
                and not _place(new.location) and not _place(earlier.location):
            return True
    if new.category_id and earlier.category_id and new.category_id != earlier.category_id:
        return False
    return same_text(f"{new.title} {new.description} {new.location}",
                     f"{earlier.title} {earlier.description} {earlier.location}")
