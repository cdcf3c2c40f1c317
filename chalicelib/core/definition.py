"""Reads a workflow's ASL: the single source of truth for steps, roles, options and routing.

Human steps are `.waitForTaskToken` SQS tasks whose message body says what the step is;
Choice states route on `$.decision.action`. Nothing here repeats the transition table: it
follows the states the way Step Functions will.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any

WAIT_FOR_TOKEN = "arn:aws:states:::sqs:sendMessage.waitForTaskToken"
DECISION_PATH = "$.decision.action"


@dataclass(frozen=True)
class Option:
    action: str
    requires: dict[str, Any] = field(default_factory=dict)
    result: str | None = None  # what the decision reads as afterwards: "DISETUJUI KEPALA BIDANG"

    @property
    def requires_note(self) -> bool:
        """A refusal or a return must say why (`requires.note` in the ASL)."""
        return bool(self.requires.get("note"))

    @property
    def required_forms(self) -> tuple[str, ...]:
        """Forms (by name, `forms/<name>.schema.json` of the workflow) the decision carries.
        Messages written before forms were named say `fields: "<name>"`."""
        legacy = self.requires.get("fields")
        return tuple(self.requires.get("forms", ())) + ((legacy,) if legacy else ())

    @property
    def required_documents(self) -> tuple[str, ...]:
        return tuple(self.requires.get("documents", ()))

    @property
    def requires_complete_checklist(self) -> bool:
        """Every required document of the applicant's checklist is on the ticket."""
        return bool(self.requires.get("documents_complete"))

    @property
    def corrects_application(self) -> bool:
        """The decision may carry the application's data, corrected by its applicant (AJUKAN
        ULANG after a return): checked whole against the workflow's application schema."""
        return bool(self.requires.get("corrects_application"))

    @property
    def requires_signature(self) -> bool:
        """The decision signs the ticket's SK (TTE) with the passphrase typed now."""
        return bool(self.requires.get("signature"))


@dataclass(frozen=True)
class Step:
    """A human step: a state that waits for an official's decision."""

    state: str
    step: str
    status: str
    role: str
    region_scoped: bool
    options: tuple[Option, ...]

    def option(self, action: str) -> Option | None:
        return next((o for o in self.options if o.action == action), None)

    @classmethod
    def from_message(cls, message: dict[str, Any]) -> Step:
        return cls(
            state=message["state"],
            step=message["step"],
            status=message["status"],
            role=message["role"],
            region_scoped=bool(message.get("region_scoped")),
            options=tuple(
                Option(o["action"], o.get("requires") or {}, o.get("result"))
                for o in message["options"]
            ),
        )


@dataclass(frozen=True)
class Outcome:
    """Where a decision leads: the next human step, or a final status."""

    status: str
    step: Step | None = None

    @property
    def final(self) -> bool:
        return self.step is None


class WorkflowDefinition:
    def __init__(self, asl: dict[str, Any]) -> None:
        self.asl = asl
        self.states: dict[str, dict[str, Any]] = asl["States"]

    @classmethod
    def from_json(cls, text: str) -> WorkflowDefinition:
        return cls(json.loads(text))

    def _message(self, name: str) -> dict[str, Any]:
        body = self.states[name].get("Parameters", {}).get("MessageBody", {})
        return {k: v for k, v in body.items() if not k.endswith(".$")}

    def is_human_step(self, name: str) -> bool:
        state = self.states[name]
        return state.get("Type") == "Task" and state.get("Resource") == WAIT_FOR_TOKEN

    def step(self, name: str) -> Step:
        if not self.is_human_step(name):
            raise KeyError(name)
        return Step.from_message({**self._message(name), "state": name})

    def steps(self) -> list[Step]:
        return [self.step(name) for name in self.states if self.is_human_step(name)]

    @property
    def start(self) -> Step:
        return self.step(self.asl["StartAt"])

    def final_statuses(self) -> list[str]:
        return list(self.final_outcomes())

    def final_outcomes(self) -> dict[str, str]:
        """Each final status with its kind: `approved` or `rejected` (the final task's
        `outcome`), so a console colours a status without a copy of the list."""
        return self._final_outcomes

    @cached_property
    def _final_outcomes(self) -> dict[str, str]:
        # read once per definition: every list row and ticket view asks
        return {
            self._message(name)["status"]: self._message(name).get("outcome", "approved")
            for name, state in self.states.items()
            if state.get("Type") == "Task" and self._message(name).get("type") == "final"
        }

    def status_kinds(self) -> dict[str, str]:
        """Every status with its kind: a final one's outcome; `returned` for a step reached
        only by refusals or returns (options that require a reason) or from returned steps;
        else `in_progress`."""
        return self._status_kinds

    @cached_property
    def _status_kinds(self) -> dict[str, str]:
        # walked once per definition (every option's outcome): every list row asks
        reached_by: dict[str, list[tuple[str, Option]]] = {}
        for step in self.steps():
            for option in step.options:
                nxt = self.outcome(step.state, option.action).step
                if nxt is not None:
                    reached_by.setdefault(nxt.state, []).append((step.state, option))
        returned: set[str] = set()
        changed = True
        while changed:  # a step forwarded on from returned steps is still a returned case
            changed = False
            for state, incoming in reached_by.items():
                if state == self.asl["StartAt"]:
                    continue  # where every application starts: never only a return
                if state not in returned and all(
                    o.requires_note or source in returned for source, o in incoming
                ):
                    returned.add(state)
                    changed = True
        kinds: dict[str, str] = {}
        for step in self.steps():
            kinds.setdefault(step.status, "returned" if step.state in returned else "in_progress")
        return {**kinds, **self.final_outcomes()}

    def roles(self) -> list[str]:
        """The roles that act at some step, in the order they first act."""
        return list(dict.fromkeys(step.role for step in self.steps()))

    def successors(self, name: str) -> list[str]:
        """The states `name` may go to: Next, every Choice rule and Default, every Catch."""
        state = self.states[name]
        targets = [state["Next"]] if "Next" in state else []
        targets += [rule["Next"] for rule in state.get("Choices", [])]
        targets += [state["Default"]] if "Default" in state else []
        targets += [catcher["Next"] for catcher in state.get("Catch", [])]
        return targets

    def reachable(self, starts: Iterable[str], backwards: bool = False) -> set[str]:
        """The states reachable from `starts` (or, backwards, those that can reach them)."""
        edges: dict[str, set[str]] = {name: set() for name in self.states}
        for name in self.states:
            for target in self.successors(name):
                if backwards:
                    edges.setdefault(target, set()).add(name)
                else:
                    edges[name].add(target)
        seen: set[str] = set()
        todo = list(starts)
        while todo:
            name = todo.pop()
            if name not in seen:
                seen.add(name)
                todo.extend(edges.get(name, ()))
        return seen

    def outcome(self, state: str, action: str) -> Outcome:
        """Follow the states after `action` is chosen at `state` to the next stop."""
        name = self.states[state]["Next"]
        seen: set[str] = set()
        while name not in seen:
            seen.add(name)
            current = self.states[name]
            if current["Type"] == "Choice":
                name = next(
                    (
                        rule["Next"]
                        for rule in current.get("Choices", [])
                        if rule.get("Variable") == DECISION_PATH
                        and rule.get("StringEquals") == action
                    ),
                    current.get("Default", state),
                )
                continue
            if self.is_human_step(name):
                step = self.step(name)
                return Outcome(status=step.status, step=step)
            message = self._message(name)
            if current["Type"] == "Task" and message.get("type") == "final":
                return Outcome(status=message["status"])
            name = current["Next"]
        raise ValueError(f"{state}/{action}: no step or final reached")
