"""The roles of sendreform and what each may see. Scopes are applied by the selectors, deny by default."""

from types import MappingProxyType

OFFICER = "OFFICER"
ANALYST = "ANALYST"
EAH_LEAD = "EAH_LEAD"
EAH_PRACTITIONER = "EAH_PRACTITIONER"
SENCO = "SENCO"
CLUSTER_LEAD = "CLUSTER_LEAD"
HEALTH = "HEALTH"
BOARD_MEMBER = "BOARD_MEMBER"
PCF_REP = "PCF_REP"
ADMIN = "ADMIN"
REGIONAL_ANALYST = "REGIONAL_ANALYST"
CASEWORKER = "CASEWORKER"
TEAM_MANAGER = "TEAM_MANAGER"

ROLES = MappingProxyType(
    {
        OFFICER: "Council SEND officer",
        ANALYST: "Analyst",
        EAH_LEAD: "Experts at Hand lead",
        EAH_PRACTITIONER: "Experts at Hand practitioner",
        SENCO: "Setting SENCo",
        CLUSTER_LEAD: "Cluster lead",
        HEALTH: "Health practitioner",
        BOARD_MEMBER: "Board member",
        PCF_REP: "Parent carer forum representative",
        ADMIN: "Administrator",
        REGIONAL_ANALYST: "Regional or national analyst",
        CASEWORKER: "SEND caseworker",
        TEAM_MANAGER: "SEND team manager",
    }
)

# The regional or national analyst sees every area's published statistics (benchmarking) and nothing of the
# local area's own records: no child-level data and none of its own figures.

# Roles of people in the local area, who may read its plan and forecasts (aggregates of its own records).
LOCAL_AREA_ROLES = frozenset(ROLES) - {REGIONAL_ANALYST}

# Roles that may see any child-level data at all (subject to their scope).
CHILD_LEVEL_ROLES = frozenset({OFFICER, ANALYST, EAH_LEAD, EAH_PRACTITIONER, SENCO, CLUSTER_LEAD, HEALTH, ADMIN,
                               CASEWORKER, TEAM_MANAGER})
# Roles whose scope is every child in the local area.
WHOLE_AREA_ROLES = frozenset({OFFICER, ANALYST, EAH_LEAD, ADMIN, CASEWORKER, TEAM_MANAGER})

# EHC casework (ADR 25): who holds a caseload and works cases, and who allocates them across the team. The
# council SEND officer keeps working cases as before; a SENCo starts requests and reviews for pupils on the
# roll and a health practitioner answers the advice asked of them, each through their own pages.
CASEWORK_ROLES = frozenset({CASEWORKER, TEAM_MANAGER, OFFICER})
CASE_ALLOCATING_ROLES = frozenset({TEAM_MANAGER})


def aggregates_suppressed(role: str | None) -> bool:
    """Whether figures about children reach this role only through small-number suppression: they leave the
    council's own view for every role outside the whole-area ones (`standards.suppression`)."""
    return role not in WHOLE_AREA_ROLES
