from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class GovernanceConfig(AppConfig):
    name = "linli.governance"
    label = "governance"
    verbose_name = _("业主自治")

    def ready(self):
        from linli.core.tenancy import register_capabilities

        from .eligibility import register_builtin_conditions

        register_capabilities({
            # Run assemblies and elections: notice, motions, proxies, sign-in, teller entry, tally.
            "governance.run": {"committee_member", "regulator"},
            # Keep the maintenance fund's ledgers and propose, decide and pay its uses.
            "governance.fund": {"committee_member"},
            # Draft a use of the fund for the committee to publish (the company usually drafts them).
            "governance.fund_draft": {"manager"},
            # Post the fund's interest on one's own; a committee member's entry needs a second member.
            "governance.fund_interest": {"finance"},
            # Draft the annual property-service budget and final accounts (篇四 §二.4).
            "governance.budget_draft": {"manager", "finance"},
            # Approve and disclose them; answer the owners' concerns (篇四 §二).
            "governance.committee_duties": {"committee_member"},
            # Form the preparation group of a first assembly; enter paper recall petitions.
            "governance.supervise": {"regulator"},
            # Turn to self-management and hire its manager (篇四 §三).
            "governance.self_manage": {"committee_member"},
        })
        register_builtin_conditions()

        from linli.core.audit import register_record_checker

        from .integrity import records_verify

        register_record_checker(records_verify)
