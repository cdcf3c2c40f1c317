"""Roles are Cognito groups; the declared workflows say which exist and what they are called.

The ASL says which role acts at each step; a workflow's declaration lists its roles with
their labels and what each sees. These names are read from the catalog once per cold start.
"""

from __future__ import annotations

from chalicelib.declared import catalog

ADMIN = "ADMIN"

# Every role some workflow declares, then the administrator (of an agency's accounts).
ROLES: tuple[str, ...] = (*(r for r in catalog().roles() if r != ADMIN), ADMIN)

# Roles that act on tickets of any workflow: the officials (route-level check; which tickets
# each sees is the workflow's business).
OFFICIALS: tuple[str, ...] = ROLES

# Roles that act only on tickets of their own region (wilayah).
REGION_SCOPED: frozenset[str] = catalog().region_scoped_roles()

ROLE_LABELS: dict[str, str] = {
    **{role: catalog().role_label(role) for role in ROLES},
    ADMIN: "Administrator",
}
