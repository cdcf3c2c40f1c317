"""The catalog of this deployment: the declarations in the bundle plus any configured roots."""

from __future__ import annotations

import os
from functools import cache
from pathlib import Path
from typing import Protocol

from chalicelib.core.catalog import Catalog, Workflow
from chalicelib.settings import settings

BUNDLED = Path(__file__).resolve().parent


@cache
def catalog() -> Catalog:
    extra = [Path(p) for p in settings().extra_declarations.split(os.pathsep) if p]
    return Catalog.load([BUNDLED, *extra])


def workflow(workflow_id: str) -> Workflow:
    return catalog().workflow(workflow_id)


class HasWorkflow(Protocol):
    workflow: str | None
    permit_type: str


def workflow_of(ticket: HasWorkflow) -> Workflow:
    """A ticket's workflow. Tickets stored before workflows were declared have none: they
    all came from PTSP, so the workflow taking that permit type from PTSP is theirs."""
    if ticket.workflow:
        return catalog().workflow(ticket.workflow)
    found = catalog().for_intake("ptsp", ticket.permit_type)
    if found is None:
        raise KeyError(f"no workflow for {ticket.permit_type}")
    return found
