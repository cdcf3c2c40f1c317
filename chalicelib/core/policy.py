"""Who may see and act on what: read off a workflow's declaration and its ASL steps.

Pure: callers and tickets are plain facts; the use cases turn a refusal into an HTTP error.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import Enum
from typing import Protocol

from chalicelib.core.catalog import Workflow
from chalicelib.core.definition import Step

_WIDEST_FIRST = ("agency", "region", "own")


class Caller(Protocol):
    email: str
    roles: frozenset[str]
    region: str | None
    agency: str | None


class TicketFacts(Protocol):
    region: str
    applicant_email: str | None


class Access(Enum):
    SEE = "see"
    OTHER_REGION = "other region"  # same agency, a region-scoped role of another region
    NONE = "none"  # another agency's, or no role in this workflow: as if it did not exist


def visibility(workflow: Workflow, roles: Iterable[str]) -> str | None:
    """The widest view the caller's roles give in this workflow: agency, region or own."""
    found = {workflow.sees(role) for role in roles} - {None}
    return next((sees for sees in _WIDEST_FIRST if sees in found), None)


def is_applicant(ticket: TicketFacts, caller: Caller) -> bool:
    return bool(caller.email) and caller.email == (ticket.applicant_email or "").lower()


def access(workflow: Workflow, ticket: TicketFacts, caller: Caller) -> Access:
    sees = visibility(workflow, caller.roles)
    if sees == "own":
        mine = is_applicant(ticket, caller)
        ours = caller.agency in (None, workflow.agency)  # applicants belong to no agency
        return Access.SEE if mine and ours else Access.NONE
    if sees is None or caller.agency != workflow.agency:
        return Access.NONE
    if sees == "region" and (not caller.region or caller.region != ticket.region):
        return Access.OTHER_REGION
    return Access.SEE


def may_act(workflow: Workflow, step: Step, ticket: TicketFacts, caller: Caller) -> bool:
    """Holding the step's role (of the ticket's region, if scoped). An applicant's step (a
    role that sees its own) is only the ticket's own applicant's, whatever else the caller
    holds: staff who also apply may not re-submit, nor correct, someone else's application."""
    if step.role not in caller.roles:
        return False
    if workflow.sees(step.role) == "own" and not is_applicant(ticket, caller):
        return False
    return not step.region_scoped or caller.region == ticket.region


def inbox_key(workflow: str, role: str, region: str | None, region_scoped: bool) -> str:
    """The inbox a waiting step sits in: per workflow and role (and region, if scoped)."""
    return f"{workflow}#{role}#{region}" if region_scoped else f"{workflow}#{role}"


def inbox_keys(workflow: Workflow, steps: Iterable[Step], caller: Caller) -> list[str]:
    """The inboxes of one workflow the caller reads: one per role held at some step."""
    if caller.agency != workflow.agency:
        return []
    keys: list[str] = []
    for step in steps:
        if step.role not in caller.roles or (step.region_scoped and not caller.region):
            continue
        if workflow.sees(step.role) == "own":  # applicants' steps: no shared inbox, ever
            continue
        key = inbox_key(workflow.id, step.role, caller.region, step.region_scoped)
        if key not in keys:
            keys.append(key)
    return keys
