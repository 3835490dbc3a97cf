"""Community operations (篇一 §四–§五): the company's people on site and their routines.

Staff and duty rosters, patrols with QR checkpoints, vehicle access to the closed groups
(持卡出入) and visitors, cleaning and greening tasks, facilities and projects, notices — one
module per topic.

Every row carries its `community`, the tenant key every selector filters by; it is repeated on
child rows so that no scoped query needs a join to find it."""

from .appraisal import DEFAULT_CRITERIA, Appraisal, AppraisalScore, Band
from .common import USER, WorkKind, community_fk, zone_fk
from .environment import EnvInspection, EnvInspectionItem, EnvTask, TaskTemplate
from .facilities import Asset, MaintenancePlan, MaintenanceRecord, Project, ProjectFunding, ProjectUnit
from .greening import PROMINENT, GreenArea, Planting, PlantSpecies, PlotClearance, StreetlightFault
from .gates import AccessCard, Gate, GateEvent, TemporaryPass, Vehicle, Visitor, new_pass_code
from .notices import Notice, NoticeRead
from .patrols import Checkpoint, PatrolCheckIn, PatrolPlan, PatrolRound, PatrolRoute, new_checkpoint_code
from .staff import Position, RosterEntry, Shift, StaffMember, StaffTeam

__all__ = [
    "USER", "WorkKind", "community_fk", "zone_fk",
    "Position", "StaffTeam", "StaffMember", "Shift", "RosterEntry",
    "PatrolRoute", "Checkpoint", "PatrolPlan", "PatrolRound", "PatrolCheckIn", "new_checkpoint_code",
    "Vehicle", "AccessCard", "Gate", "TemporaryPass", "GateEvent", "Visitor", "new_pass_code",
    "TaskTemplate", "EnvTask", "EnvInspection", "EnvInspectionItem",
    "Asset", "MaintenancePlan", "MaintenanceRecord", "Project", "ProjectUnit", "ProjectFunding",
    "Notice", "NoticeRead",
    "Appraisal", "AppraisalScore", "Band", "DEFAULT_CRITERIA",
    "GreenArea", "PROMINENT", "PlantSpecies", "Planting", "PlotClearance", "StreetlightFault",
]
