"""The governance API (DESIGN §5 Governance). Thin: parse, call a service or selector, render.
One module per part of 篇四, like the services; linli/api_urls.py collects `routes` and `paths`."""

from django.urls import path

from .assemblies import AssemblyViewSet, MinutesView, MotionViewSet, ProxyViewSet
from .committees import CommitteeFilingViewSet, CommitteeViewSet, PrepGroupViewSet, RecallPetitionViewSet
from .duties import CountOfficerViewSet, OwnerConcernViewSet, ServiceBudgetViewSet
from .elections import CandidateViewSet, ElectionViewSet
from .fund import FundInterestViewSet, FundLedgerViewSet, FundUsageViewSet
from .self_management import SelfManagementViewSet

# The paths come before the router, whose format-suffix routes would read "minutes.pdf" as a format.
routes = [
    ("prep-groups", PrepGroupViewSet, "prep-group"),
    ("assemblies", AssemblyViewSet, "assembly"),
    ("motions", MotionViewSet, "motion"),
    ("proxies", ProxyViewSet, "proxy"),
    ("elections", ElectionViewSet, "election"),
    ("candidates", CandidateViewSet, "candidate"),
    ("committees", CommitteeViewSet, "committee"),
    ("recall-petitions", RecallPetitionViewSet, "recall-petition"),
    ("committee-filings", CommitteeFilingViewSet, "committee-filing"),
    ("fund-usages", FundUsageViewSet, "fund-usage"),
    ("fund-ledger", FundLedgerViewSet, "fund-entry"),
    ("fund-interest", FundInterestViewSet, "fund-interest"),
    ("service-budgets", ServiceBudgetViewSet, "service-budget"),
    ("owner-concerns", OwnerConcernViewSet, "owner-concern"),
    ("count-officers", CountOfficerViewSet, "count-officer"),
    ("self-management", SelfManagementViewSet, "self-management"),
]
paths = [path("assemblies/<int:pk>/minutes.pdf", MinutesView.as_view(), name="assembly-minutes")]
