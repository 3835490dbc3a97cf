"""The pure rules of staff appraisal (篇一 5.6 “奖励20%的优秀者，鼓励70%的普通者，淘汰10%的落后者”).

How many staff fall in each band, of n scored staff:
- reward = ⌊n × reward% / 100⌋ and eliminate = ⌊n × eliminate% / 100⌋, rounded DOWN; everyone
  else is encouraged. Rewarding and above all eliminating someone are the consequential ends, so
  a fraction of a person never tips anyone into them: the shares are ceilings, and the middle
  band takes the rest. With 20/10: n=1 → 0/1/0, n=3 → 0/3/0, n=10 → 2/7/1, n=11 → 2/8/1.
- Ties at a boundary go to the middle: nobody is rewarded or eliminated over a colleague with
  the same total, so when the last place of an end band ties with the first place outside it,
  every member of that tie is encouraged (the end band shrinks, never grows).

Rankings (overall, per position, per team) are competition rankings: equal totals share a
place and the next place skips (1, 2, 2, 4)."""

from collections.abc import Sequence


def band_sizes(n: int, reward_percent: int, eliminate_percent: int) -> tuple[int, int, int]:
    reward = n * reward_percent // 100
    eliminate = n * eliminate_percent // 100
    return reward, n - reward - eliminate, eliminate


def bands(totals: Sequence[int], reward_percent: int, eliminate_percent: int) -> list[str]:
    """The band of each total, in the order given: "reward", "encourage" or "eliminate"."""
    n = len(totals)
    reward, _middle, eliminate = band_sizes(n, reward_percent, eliminate_percent)
    order = sorted(range(n), key=lambda i: -totals[i])
    result = ["encourage"] * n
    if reward:
        below = totals[order[reward]] if reward < n else None
        for i in order[:reward]:
            if totals[i] != below:
                result[i] = "reward"
    if eliminate:
        above = totals[order[n - eliminate - 1]] if eliminate < n else None
        for i in order[n - eliminate:]:
            if totals[i] != above and result[i] == "encourage":
                result[i] = "eliminate"
    return result


def competition_ranks(totals: Sequence[int]) -> list[int]:
    """Each total's place among `totals`, highest first, equal totals sharing a place."""
    return [1 + sum(1 for other in totals if other > total) for total in totals]
