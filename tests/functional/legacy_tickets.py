"""Turn a ticket back into what the store held before workflows were declared (run in its
own process with the stack's env file, as the admin CLI is):

    python -m tests.functional.legacy_tickets ENV_FILE TICKET_NO [FORM_JSON]

No workflow or agency attribute; its inbox under the old key (`ROLE`, or `ROLE#REGION` for a
region-scoped role), index items and counters included; the form in its own attribute.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from chalicelib.cli import load_env_file


def make_legacy(ticket_no: str, form: dict | None) -> str:
    from pynamodb.transactions import TransactWrite

    from chalicelib.adapters import index, store
    from chalicelib.adapters.models import TicketModel

    ticket = store.get(ticket_no)
    pending = ticket.pending
    old_key = pending["role"] + (f"#{ticket.region}" if pending["region_scoped"] else "")
    ops = index.leave(ticket.inbox_key, ticket, ticket.entered_at)
    ops += index.enter(old_key, ticket, ticket.entered_at)
    actions = [
        TicketModel.inbox_key.set(old_key),
        TicketModel.workflow.remove(),
        TicketModel.agency.remove(),
        TicketModel.version.add(1),
    ]
    if form is not None:
        actions += [TicketModel.legacy_form.set(form), TicketModel.forms.remove()]
    with TransactWrite(connection=store._connection()) as tx:
        tx.update(ticket, actions=actions)
        index.apply(tx, ops)
    return old_key


if __name__ == "__main__":
    load_env_file(Path(sys.argv[1]))
    form = json.loads(sys.argv[3]) if len(sys.argv) > 3 else None
    print(make_legacy(sys.argv[2], form))
