"""The counting rules of DESIGN §6 as pure functions, at the exact boundaries."""

from decimal import Decimal

from linli.governance import tally

D = Decimal


def result(matter, total_owners, total_area, *votes):
    return tally.motion_result(matter=matter, total_owners=total_owners, total_area=D(total_area),
                               votes=[(c, D(a)) for c, a in votes])


def test_participation_of_exactly_two_thirds_meets_the_quorum():
    r = result("hire_company", 3, "300", ("yes", "100"), ("yes", "100"))
    assert r["quorum_met"] and r["passed"]


def test_participation_just_under_two_thirds_of_the_area_misses_the_quorum():
    r = result("hire_company", 3, "300.01", ("yes", "100"), ("yes", "100"))
    assert (r["participating_owners"], r["quorum_met"], r["passed"]) == (2, False, False)


def test_exactly_half_of_the_owners_is_not_more_than_half():
    r = result("rules", 4, "400", ("yes", "100"), ("yes", "100"), ("no", "100"), ("no", "100"))
    assert r["quorum_met"] and not r["passed"]


def test_more_than_half_of_the_owners_but_exactly_half_of_the_area_fails():
    r = result("rules", 3, "300", ("yes", "100"), ("yes", "50"), ("no", "150"))
    assert (r["yes_owners"], r["yes_area"], r["passed"]) == (2, "150.00", False)


def test_exactly_three_quarters_passes_a_special_matter():
    r = result("fund_raise", 4, "400", ("yes", "100"), ("yes", "100"), ("yes", "100"), ("no", "100"))
    assert r["passed"]


def test_just_under_three_quarters_of_the_area_fails_a_special_matter():
    r = result("rebuild", 4, "400.01", ("yes", "100"), ("yes", "100"), ("yes", "100"), ("no", "100.01"))
    assert r["quorum_met"] and not r["passed"]


def test_two_thirds_is_enough_for_an_ordinary_matter_but_not_for_a_special_one():
    votes = [("yes", "100"), ("yes", "100"), ("no", "100")]
    assert result("hire_company", 3, "300", *votes)["passed"]
    assert not result("common_use", 3, "300", *votes)["passed"]


def test_abstentions_participate_and_count_against_the_majority():
    r = result("compact", 4, "400", ("yes", "100"), ("yes", "100"), ("no", "100"), ("abstain", "100"))
    assert (r["participating_owners"], r["yes_owners"], r["passed"]) == (4, 2, False)


def test_objections_of_exactly_one_third_do_not_stop_a_negative_vote():
    d = tally.negative_vote_decision(scope_owners=6, scope_area=D("600"), objections=[D("100"), D("100")])
    assert d == {"approved": True, "scope_owners": 6, "scope_area": "600.00", "objecting_owners": 2,
                 "objecting_area": "200.00"}


def test_objections_by_more_than_one_third_of_the_owners_reject():
    d = tally.negative_vote_decision(scope_owners=6, scope_area=D("600"), objections=[D("10"), D("10"), D("10")])
    assert not d["approved"]


def test_objections_by_more_than_one_third_of_the_area_reject():
    d = tally.negative_vote_decision(scope_owners=6, scope_area=D("300"), objections=[D("100.01")])
    assert (d["objecting_owners"], d["approved"]) == (1, False)


def test_recall_needs_a_fifth_of_the_area_or_more():
    # 篇四 §一.7(7) "20%以上": 以上 includes the bound (Civil Code Art. 1259).
    assert tally.recall_qualifies(signed_area=D("20.00"), total_area=D("100.00"))
    assert not tally.recall_qualifies(signed_area=D("19.99"), total_area=D("100.00"))
    # Exact fractions, not rounded percentages: a hair under a fifth of an odd total does not qualify.
    assert not tally.recall_qualifies(signed_area=D("66.66"), total_area=D("333.33"))
    assert tally.recall_qualifies(signed_area=D("66.67"), total_area=D("333.33"))


def election(ballots, *, seats=5, participants=None, total_owners=None, total_area=None, collected=None,
             candidates=(1, 2, 3, 4, 5, 6, 7)):
    participants = participants or {voter: D("100") for voter, _ in ballots}
    return tally.seats_tally(
        seats=seats, participants=participants, ballots=ballots, candidates=list(candidates),
        total_owners=total_owners or len(participants), ballots_collected=collected,
        total_area=total_area or sum(participants.values(), D(0)),
    )


def test_a_blank_ballot_is_valid_and_an_over_marked_one_void():
    r = election([(1, []), (2, [1, 2, 3, 4, 5, 6]), (3, [1, 2, 3, 4, 5])])
    assert (r["valid"], r["void"]) == (2, 1)


def test_more_ballots_in_the_box_than_participants_voids_the_round():
    r = election([(1, [1]), (2, [1])], collected=3)
    assert r["round_void"] and r["elected"] == [] and r["unfilled"] == 5


def test_a_candidate_needs_more_than_half_of_the_participants():
    # 4 participants: 2 votes is exactly half and not enough; 3 is.
    r = election([(1, [1, 2]), (2, [1, 2]), (3, [1]), (4, [])])
    assert r["elected"] == [1] and r["unfilled"] == 4


def test_a_candidate_needs_more_than_half_of_the_participating_area():
    participants = {1: D("10"), 2: D("10"), 3: D("80")}
    r = election([(1, [1]), (2, [1]), (3, [2])], participants=participants)
    assert r["votes"]["1"] == 2 and r["elected"] == []


def test_winners_are_ordered_by_votes_and_fill_the_seats():
    ballots = [(v, [1, 2, 3, 4, 5]) for v in range(1, 8)] + [(8, [6, 7]), (9, [6, 7])]
    r = election(ballots)
    assert r["elected"] == [1, 2, 3, 4, 5] and r["tied"] == [] and r["unfilled"] == 0


def test_equal_votes_across_the_last_seat_are_tied():
    # Of 8 participants: candidates 1–3 get 8 votes, 4 gets 6, and 5 and 6 get 5 each for the last seat.
    marks = [[1, 2, 3, 4, 5]] * 3 + [[1, 2, 3, 4, 6]] * 3 + [[1, 2, 3, 5, 6]] * 2
    r = election(list(enumerate(marks, start=1)))
    assert (r["votes"]["5"], r["votes"]["6"]) == (5, 5)
    assert r["elected"] == [1, 2, 3, 4] and r["tied"] == [5, 6] and r["unfilled"] == 0


def test_a_tie_with_nobody_elected_to_decide_it_leaves_the_seats_unfilled():
    # Six voters each leave out a different one of six candidates: all get 5 votes for 5 seats.
    ballots = [(v, [c for c in range(1, 7) if c != v]) for v in range(1, 7)]
    r = election(ballots, candidates=range(1, 7))
    assert (r["elected"], r["tied"], r["unfilled"]) == ([], [1, 2, 3, 4, 5, 6], 5)


def test_the_round_needs_the_quorum():
    r = election([(1, [1]), (2, [1])], total_owners=4, total_area=D("400"))
    assert not r["quorum_met"] and r["elected"] == [] and r["unfilled"] == 5
