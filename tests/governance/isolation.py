"""Tenant B's governance objects for tests/test_tenancy.py: one of every model the governance
endpoints serve."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from linli.core.tenancy import Actor, SystemActor
from linli.governance import services
from linli.governance.models import Committee, CommitteeMember


def other_tenant_objects(b) -> dict:
    system = SystemActor()
    community = b.community
    prep_group = services.prep_group_create(actor=system, community=community)
    assembly = services.assembly_create(actor=system, community=community, title="乙业主大会")
    motion = services.motion_create(actor=system, assembly=assembly, title="乙议题", matter="rules")
    proxy = services.proxy_record(actor=system, principal=b.owners[0], holder_name="乙受托人", scope="assembly",
                                  assembly=assembly, document=SimpleUploadedFile("p.pdf", b"%PDF-1.4 proxy"))
    election = services.election_create(actor=system, community=community, seats=5)
    candidate = services.candidate_nominate(actor=system, election=election, owner=b.owners[0],
                                            nominated_by="prep_group")
    committee = Committee.objects.create(community=community, term_start=dt.date(2026, 1, 1),
                                         term_end=dt.date(2028, 12, 31))
    member = CommitteeMember.objects.create(committee=committee, owner=b.owners[1])
    petition = services.recall_petition_create(actor=system, community=community, members=[member], reason="乙理由")
    entry = services.fund_first_deposit(actor=system, community=community, units=[b.units[0]], rate=Decimal("50"))[0]
    usage = services.fund_usage_create(actor=system, community=community, title="乙维修", amount=Decimal("100"),
                                       units=b.units, mode="negative_vote",
                                       publicity_ends=timezone.now() + dt.timedelta(days=8))
    services.committee_file(actor=system, committee=committee, reference="乙备〔2026〕1号")
    interest = services.fund_interest_record(actor=system, community=community, amount=Decimal("1.00"))
    budget = services.service_budget_create(actor=system, community=community, year=2026, kind="budget",
                                            lines=[{"item": "乙项目", "amount": "100.00"}])
    concern = services.owner_concern_raise(actor=Actor(b.user("owner")), owner=b.owners[0], subject="乙意见",
                                           text="乙小区业主的意见")
    officer = services.count_officer_add(actor=system, election=election, role="teller", name="乙计票")
    return {"prepgroup": prep_group, "assembly": assembly, "motion": motion, "proxy": proxy, "election": election,
            "candidate": candidate, "committee": committee, "recallpetition": petition, "fundusage": usage,
            "fundentry": entry, "committeefiling": committee.filings.get(), "fundinterest": interest,
            "servicebudget": budget, "ownerconcern": concern, "countofficer": officer}
