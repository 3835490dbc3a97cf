"""Races run by tests/reliability/child.py: each call of a race starts in its own thread, with its
own database connection, and all are released together by a barrier. An outcome is what the
call returned, or the code of the error it raised; anything unexpected is reported as such."""

import datetime as dt
import threading
import time
from decimal import Decimal

from django.db import connection


def race(calls: list) -> list[dict]:
    from linli.core.errors import LinliError

    barrier = threading.Barrier(len(calls))
    outcomes: list = [None] * len(calls)

    def run(index: int, call) -> None:
        try:
            barrier.wait()
            outcomes[index] = {"ok": call()}
        except LinliError as exc:
            outcomes[index] = {"error": exc.code}
        except Exception as exc:  # reported to the test, which fails on it
            outcomes[index] = {"unexpected": repr(exc)}
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i, call)) for i, call in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return outcomes


def _actor(user_id):
    from linli.core.tenancy import Actor
    from linli.orgs.models import User

    return Actor(User.objects.get(pk=user_id))


def _money(value) -> str:
    return str(Decimal(value).quantize(Decimal("0.01")))


# Payments ------------------------------------------------------------------------------------

def _pay(unit_id: int, amount: str, key: str):
    from linli.billing.services import payment_record
    from linli.core.tenancy import SystemActor
    from linli.estates.models import Unit

    unit = Unit.objects.select_related("community").get(pk=unit_id)
    return lambda: payment_record(actor=SystemActor(), unit=unit, amount=Decimal(amount), method="cash",
                                  idempotency_key=key)[0].pk


def payments(unit_ids: list[int]) -> dict:
    from linli.billing.models import Account, Bill, Payment

    return {
        "payments": [{"id": p.pk, "unit": p.unit_id, "amount": _money(p.amount), "credit": _money(p.credit),
                      "key": p.idempotency_key, "year": p.receipt_year, "seq": p.receipt_seq, "no": p.receipt_no,
                      "allocated": _money(sum((a.amount for a in p.allocations.all()), Decimal("0")))}
                     for p in Payment.objects.filter(unit_id__in=unit_ids).prefetch_related("allocations")
                     .order_by("receipt_seq")],
        "bills": {str(b.pk): {"unit": b.unit_id, "amount": _money(b.amount), "paid": _money(b.paid),
                              "status": b.status}
                  for b in Bill.objects.filter(unit_id__in=unit_ids)},
        "credit": {str(a.unit_id): _money(a.credit) for a in Account.objects.filter(unit_id__in=unit_ids)},
    }


def pay_same_key(unit_id: str, key: str, *amounts: str) -> dict:
    """One call per amount, all with the same Idempotency-Key."""
    outcomes = race([_pay(int(unit_id), amount, key) for amount in amounts])
    return {"outcomes": outcomes, **payments([int(unit_id)])}


def pay_many(*specs: str) -> dict:
    """Each spec `unit_id:amount:key` is one call."""
    calls = [_pay(int(unit), amount, key) for unit, amount, key in (spec.split(":") for spec in specs)]
    outcomes = race(calls)
    return {"outcomes": outcomes, **payments(sorted({int(spec.split(":")[0]) for spec in specs}))}


# Votes ---------------------------------------------------------------------------------------

def votes(actor_id: str, motion_id: str, election_id: str, *owner_ids: str) -> dict:
    """Every owner votes on the motion and signs in and casts a ballot in the election, the first
    owner four times over; the sign-ins race first, then the votes and ballots together."""
    from linli.estates.models import Owner
    from linli.governance import services
    from linli.governance.models import Ballot, Election, Motion, Participant, Vote

    actor, motion = _actor(int(actor_id)), Motion.objects.get(pk=motion_id)
    election = Election.objects.get(pk=election_id)
    owners = [Owner.objects.get(pk=pk) for pk in owner_ids]
    voters = owners + [owners[0]] * 4
    candidates = list(election.candidates.order_by("id").values_list("id", flat=True))

    sign_ins = race([lambda o=o: services.participant_register(actor=actor, election=election, owner=o).pk
                     for o in voters])
    casts = race([lambda o=o: services.vote_cast(actor=actor, motion=motion, owner=o, choice="yes").pk
                  for o in voters]
                 + [lambda o=o, i=i: services.ballot_cast(actor=actor, election=election, voter=o,
                                                          selections=candidates[i % 2:i % 2 + election.seats]).pk
                    for i, o in enumerate(voters)])
    motion.refresh_from_db()
    return {
        "sign_ins": sign_ins, "votes": casts[:len(voters)], "ballots": casts[len(voters):],
        "stored_votes": sorted(Vote.objects.filter(motion=motion).values_list("owner_id", flat=True)),
        "participants": sorted(Participant.objects.filter(election=election).values_list("owner_id", flat=True)),
        "stored_ballots": sorted(Ballot.objects.filter(election=election)
                                 .values_list("participant__owner_id", flat=True)),
        "participating_owners": services.motion_result_for(actor=actor, motion=motion)["participating_owners"],
    }


# Grabbing --------------------------------------------------------------------------------------

def grab(request_id: str, *user_ids: str) -> dict:
    from linli.servicedesk import services
    from linli.servicedesk.models import ServiceRequest

    request = ServiceRequest.objects.get(pk=request_id)
    actors = [_actor(int(pk)) for pk in user_ids]
    outcomes = race([lambda a=a: services.request_grab(actor=a, service_request=request).assignee_id
                     for a in actors])
    request.refresh_from_db()
    return {"outcomes": outcomes, "assignee": request.assignee_id, "status": request.status,
            "grabs": request.events.filter(kind="grab").count()}


# Objections at the publicity deadline ----------------------------------------------------------

def objections_at_deadline(actor_id: str, usage_id: str, *owner_ids: str) -> dict:
    """Owners object from just before the deadline to just after it, one every few milliseconds,
    while the committee decides the plan as soon as the deadline has passed."""
    from linli.estates.models import Owner
    from linli.governance import services
    from linli.governance.models import FundObjection, FundUsage

    actor = _actor(int(actor_id))
    owners = [Owner.objects.get(pk=pk) for pk in owner_ids]
    # The deadline is set here, just ahead, whatever time the process took to start.
    deadline = time.time() + 1.0
    FundUsage.objects.filter(pk=usage_id).update(
        publicity_ends=dt.datetime.fromtimestamp(deadline, tz=dt.timezone.utc))
    usage = FundUsage.objects.get(pk=usage_id)
    spread = 0.04

    def at(offset: float):
        time.sleep(max(0.0, deadline + offset - time.time()))

    def object_(index: int, owner):
        at((index - len(owners) / 2) * spread)
        return services.fund_objection_record(actor=actor, usage=usage, owner=owner).pk

    def decide():
        at(0)
        while True:
            try:
                return services.fund_usage_decide(actor=actor, usage=usage)
            except Exception as exc:  # too early by a hair: the service's clock decides
                if getattr(exc, "code", "") != "publicity_running":
                    raise
                time.sleep(0.001)

    outcomes = race([lambda i=i, o=o: object_(i, o) for i, o in enumerate(owners)] + [decide])
    usage.refresh_from_db()
    stored = FundObjection.objects.filter(usage=usage)
    return {
        "objections": outcomes[:-1], "decision": outcomes[-1],
        "stored": sorted(stored.values_list("owner_id", flat=True)),
        "late": [o.owner_id for o in stored if o.at >= usage.publicity_ends or o.at > usage.decided_at],
        "status": usage.status, "publicity_ends": usage.publicity_ends.isoformat(),
        "decided_at": usage.decided_at.isoformat() if usage.decided_at else None,
        "count_now": services.negative_vote_count(usage),
    }


RACES = {"pay-same-key": pay_same_key, "pay-many": pay_many, "votes": votes, "grab": grab,
         "objections-at-deadline": objections_at_deadline}
