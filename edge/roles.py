"""Who may do what: the one home of the roles. Operators take intakes;
supervisors also manage users and see reports; technicians see hardware and
sync but never citizen data. The API, the portal and the CLI all ask here."""

from __future__ import annotations

OPERATOR, SUPERVISOR, TECHNICIAN = "operator", "supervisor", "technician"

ROLES = (OPERATOR, SUPERVISOR, TECHNICIAN)
CITIZEN_DATA_ROLES = (OPERATOR, SUPERVISOR)   # who may see and take citizens' requests
SUPERVISOR_ROLES = (SUPERVISOR,)              # who manages people and sees reports
ALL_ROLES = ROLES
