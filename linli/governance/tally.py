"""The counting rules of DESIGN §6, as pure functions of counts and areas.

Every threshold is compared as an exact `Fraction` built from the Decimal areas and the integer
headcounts — never a float, never a rounded percentage — so that a vote landing exactly on
1/2, 2/3, 3/4 or 1/3 is decided the way the rule says."""

from collections import Counter
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from .models import SPECIAL_MATTERS

QUORUM = Fraction(2, 3)
SPECIAL_MAJORITY = Fraction(3, 4)
SIMPLE_MAJORITY = Fraction(1, 2)
NEGATIVE_VOTE_LIMIT = Fraction(1, 3)
RECALL_SHARE = Fraction(1, 5)
ZERO = Decimal("0.00")
MOTION_RESULT_KEYS = ("total_owners", "total_area", "participating_owners", "participating_area", "yes_owners",
                      "yes_area", "quorum_met", "passed")


def share(part, whole) -> Fraction:
    """part / whole exactly (0 when the whole is 0). Decimals convert to Fraction exactly."""
    whole = Fraction(whole)
    return Fraction(part) / whole if whole else Fraction(0)


def quorum_met(*, owners: int, area: Decimal, total_owners: int, total_area: Decimal) -> bool:
    """Participation of at least 2/3 of all owners AND of the total area."""
    return bool(total_owners) and share(owners, total_owners) >= QUORUM and share(area, total_area) >= QUORUM


def majority_met(*, owners: int, area: Decimal, of_owners: int, of_area: Decimal, special: bool) -> bool:
    """≥ 3/4 of the participating owners AND area for the special matters, > 1/2 otherwise."""
    if not of_owners:
        return False
    by_owners, by_area = share(owners, of_owners), share(area, of_area)
    if special:
        return by_owners >= SPECIAL_MAJORITY and by_area >= SPECIAL_MAJORITY
    return by_owners > SIMPLE_MAJORITY and by_area > SIMPLE_MAJORITY


@dataclass
class Count:
    owners: int = 0
    area: Decimal = ZERO

    def add(self, area: Decimal) -> None:
        self.owners += 1
        self.area += area


def _count_votes(votes) -> dict[str, Count]:
    counts = {"yes": Count(), "no": Count(), "abstain": Count()}
    for choice, area in votes:
        counts[choice].add(area)
    return counts


def motion_result(*, matter: str, total_owners: int, total_area: Decimal, votes) -> dict:
    """The result of a motion from its votes, each a (choice, area) pair. Abstentions participate."""
    counts = _count_votes(votes)
    participating = Count(sum(c.owners for c in counts.values()), sum((c.area for c in counts.values()), ZERO))
    quorum = quorum_met(owners=participating.owners, area=participating.area, total_owners=total_owners,
                        total_area=total_area)
    passed = quorum and majority_met(owners=counts["yes"].owners, area=counts["yes"].area,
                                     of_owners=participating.owners, of_area=participating.area,
                                     special=matter in SPECIAL_MATTERS)
    return {
        "total_owners": total_owners,
        "total_area": area_text(total_area),
        "participating_owners": participating.owners,
        "participating_area": area_text(participating.area),
        "yes_owners": counts["yes"].owners,
        "yes_area": area_text(counts["yes"].area),
        "quorum_met": quorum,
        "passed": passed,
    }


def motion_breakdown(votes) -> dict:
    """The no and abstain counts as well, for the pages and the minutes (the API's result keeps to
    the contract's keys)."""
    return {f"{choice}_{what}": (c.owners if what == "owners" else area_text(c.area))
            for choice, c in _count_votes(votes).items() for what in ("owners", "area")}


def area_text(value: Decimal) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


def seats_tally(*, seats: int, total_owners: int, total_area: Decimal, participants: dict[int, Decimal],
                   ballots: list[tuple[int, list[int]]], candidates: list[int],
                   ballots_collected: int | None = None) -> dict:
    """The tally of one election round (DESIGN §6; 篇四 §一.7).

    `participants` maps each signed-in voter to their area; `ballots` are (voter, selections).
    A ballot marking more candidates than seats is void; a blank one is valid and counts for
    nobody (篇四 §一.7(3): 等于或者少于规定应选人数的有效). More ballots in the box than
    participants voids the round. A candidate needs votes from more than half of the
    participating owners AND area; winners go by votes up to the seats; equal votes across the
    last seat are `tied`, for the elected members to decide (篇四 §一.7(5)); seats left over
    are `unfilled`, for a further round."""
    valid = void = 0
    votes: Counter = Counter()
    vote_area: dict[int, Decimal] = {c: ZERO for c in candidates}
    for voter, selections in ballots:
        if len(selections) > seats:
            void += 1
            continue
        valid += 1
        area = participants[voter]
        for candidate in selections:
            votes[candidate] += 1
            vote_area[candidate] += area
    collected = len(ballots) if ballots_collected is None else ballots_collected
    round_void = collected > len(participants)
    participating_area = sum(participants.values(), ZERO)
    quorum = quorum_met(owners=len(participants), area=participating_area, total_owners=total_owners,
                        total_area=total_area)
    elected: list[int] = []
    tied: list[int] = []
    if quorum and not round_void:
        eligible = [c for c in candidates
                    if share(votes[c], len(participants)) > SIMPLE_MAJORITY
                    and share(vote_area[c], participating_area) > SIMPLE_MAJORITY]
        # Best first; the candidate id only orders the listing of equal votes, it decides nothing.
        eligible.sort(key=lambda c: (-votes[c], c))
        if len(eligible) <= seats:
            elected = eligible
        else:
            last = votes[eligible[seats - 1]]
            elected = [c for c in eligible if votes[c] > last]
            at_last = [c for c in eligible if votes[c] == last]
            if len(elected) + len(at_last) <= seats:
                elected += at_last
            else:
                tied = at_last
    # A tie goes to the elected members; with nobody elected to decide it, its seats are left over.
    unfilled = 0 if tied and elected else seats - len(elected)
    return {
        "participants": len(participants),
        "valid": valid,
        "void": void,
        "round_void": round_void,
        "quorum_met": quorum,
        "elected": elected,
        "tied": tied,
        "unfilled": unfilled,
        "votes": {str(c): votes[c] for c in candidates},
        "vote_area": {str(c): area_text(vote_area[c]) for c in candidates},
    }


def negative_vote_decision(*, scope_owners: int, scope_area: Decimal, objections) -> dict:
    """篇三 §三(四): approved unless the objecting owners exceed 1/3 of the scope's owners or
    their area exceeds 1/3 of the scope's area. `objections` are the objectors' areas."""
    objecting = Count()
    for area in objections:
        objecting.add(area)
    rejected = (share(objecting.owners, scope_owners) > NEGATIVE_VOTE_LIMIT
                or share(objecting.area, scope_area) > NEGATIVE_VOTE_LIMIT)
    return {
        "approved": not rejected,
        "scope_owners": scope_owners,
        "scope_area": area_text(scope_area),
        "objecting_owners": objecting.owners,
        "objecting_area": area_text(objecting.area),
    }


def recall_qualifies(*, signed_area: Decimal, total_area: Decimal) -> bool:
    """篇四 §一.7(7): the signers hold 20% or more of the exclusive area ("占 20%以上": in Chinese
    legal usage 以上 includes the bound, Civil Code Art. 1259)."""
    return bool(total_area) and share(signed_area, total_area) >= RECALL_SHARE
