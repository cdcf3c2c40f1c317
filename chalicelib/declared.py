"""The catalog of this deployment: the declarations in the bundle plus any configured roots."""

from __future__ import annotations

import json
import os
from functools import cache
from pathlib import Path
from typing import Protocol

from chalicelib.core.catalog import Catalog, Workflow
from chalicelib.core.workdays import Calendar
from chalicelib.settings import Settings

BUNDLED = Path(__file__).resolve().parent


@cache
def catalog() -> Catalog:
    # Read from the environment itself, not the cached settings: the roles are read at
    # import time, before the CLI loads its --env-file.
    roots = Settings.from_env().extra_declarations
    extra = [Path(p) for p in roots.split(os.pathsep) if p]
    return Catalog.load([BUNDLED, *extra])


@cache
def calendar() -> Calendar:
    """The working days: every declared year of national holidays and cuti bersama."""
    found = sorted((BUNDLED / "agencies" / "calendars").glob("holidays-*.json"))
    return Calendar.load(*(json.loads(p.read_text(encoding="utf-8")) for p in found))


def workflow(workflow_id: str) -> Workflow:
    return catalog().workflow(workflow_id)


class HasWorkflow(Protocol):
    workflow: str | None
    permit_type: str


def workflow_of(ticket: HasWorkflow) -> Workflow:
    return workflow_named(ticket.workflow, ticket.permit_type)


def workflow_named(workflow_id: str | None, permit_type: str) -> Workflow:
    """The workflow a ticket (or an event about one) names. Tickets stored before workflows
    were declared name none: they all came from PTSP, so the workflow taking that permit
    type from PTSP is theirs."""
    if workflow_id:
        return catalog().workflow(workflow_id)
    found = catalog().for_intake("ptsp", permit_type)
    if found is None:
        raise KeyError(f"no workflow for {permit_type}")
    return found
