"""Index items and counters that move with a ticket, written in its transactions.

A ticket entering an inbox (or an official's "decided" box) puts one item per word of its
search text (twice: across permit types and within its own), one item ordered by waiting
time, and adds one to the box's counter; leaving removes them. Searches, counts, the latest
and the overdue then read only what they return: their cost does not grow with the table.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from pynamodb.transactions import TransactWrite

from chalicelib.adapters.models import CounterModel, IndexModel, TicketModel

Op = Callable[[TransactWrite], None]
MAX_WORDS = 8  # a ticket is found by its number and the first words of its names


def decided_scope(email: str) -> str:
    return f"DECIDED#{email}"


def words(search_text: str | None) -> list[str]:
    """Distinct words of the search text, in order, at most MAX_WORDS; a word that begins
    another one is left out (the longer one answers every prefix the shorter does), so no
    ticket is found twice by one search."""
    found = list(dict.fromkeys((search_text or "").split()))
    kept = [w for w in found if not any(o != w and o.startswith(w) for o in found)]
    return kept[:MAX_WORDS]


def word_key(scope: str, word: str, permit_type: str | None = None) -> str:
    return f"W#{scope}#{permit_type}#{word[0]}" if permit_type else f"W#{scope}#{word[0]}"


def time_key(scope: str) -> str:
    return f"T#{scope}"


def overdue_key(scope: str) -> str:
    return f"O#{scope}"


def count_key(scope: str) -> str:
    return f"COUNT#{scope}"


def _word_items(scope: str, ticket: TicketModel) -> list[IndexModel]:
    items = []
    for word in words(ticket.search_text):
        for permit_type in (None, ticket.permit_type):
            items.append(
                IndexModel(
                    word_key(scope, word, permit_type),
                    f"{word}#{ticket.ticket_no}",
                    ticket_no=ticket.ticket_no,
                    permit_type=ticket.permit_type,
                    search_text=ticket.search_text,
                )
            )
    return items


def _counter(scope: str, permit_type: str, delta: int) -> Op:
    def op(tx: TransactWrite) -> None:
        tx.update(CounterModel(count_key(scope), permit_type), actions=[CounterModel.n.add(delta)])

    return op


def _put(item: IndexModel) -> Op:
    return lambda tx: tx.save(item)


def _delete(item: IndexModel) -> Op:
    return lambda tx: tx.delete(item)


def box_items(scope: str, ticket: TicketModel, since: str | None) -> list[IndexModel]:
    items = _word_items(scope, ticket)
    if since:
        items.append(
            IndexModel(time_key(scope), f"{since}#{ticket.ticket_no}", ticket_no=ticket.ticket_no)
        )
    return items


def enter(scope: str, ticket: TicketModel, since: str | None = None) -> list[Op]:
    """The ticket arrives in a box (`since`: when it started waiting there)."""
    items = box_items(scope, ticket, since)
    return [*map(_put, items), _counter(scope, ticket.permit_type, +1)]


def leave(scope: str, ticket: TicketModel, since: str | None = None) -> list[Op]:
    """The ticket leaves a box: its words, its waiting-time and overdue items, one count."""
    items = box_items(scope, ticket, since)
    ops = [*map(_delete, items), _counter(scope, ticket.permit_type, -1)]
    if since and ticket.overdue_since:
        ops.append(_delete(_overdue_item(scope, ticket, ticket.overdue_since)))
    return ops


def retimed(scope: str, ticket: TicketModel, old_since: str | None, new_since: str) -> list[Op]:
    """The same inbox, waiting again from `new_since` (a step reopened after its timeout)."""
    key = time_key(scope)
    ops = [_put(IndexModel(key, f"{new_since}#{ticket.ticket_no}", ticket_no=ticket.ticket_no))]
    if old_since:
        ops.append(_delete(IndexModel(key, f"{old_since}#{ticket.ticket_no}")))
    return ops


def _overdue_item(scope: str, ticket: TicketModel, since: str) -> IndexModel:
    return IndexModel(overdue_key(scope), f"{since}#{ticket.ticket_no}", ticket_no=ticket.ticket_no)


def put_overdue(scope: str, ticket: TicketModel, since: str) -> Op:
    return _put(_overdue_item(scope, ticket, since))


def apply(tx: TransactWrite, ops: Iterable[Op]) -> None:
    for op in ops:
        op(tx)


# --- reading --------------------------------------------------------------------------------


def counts(scope: str) -> dict[str, int]:
    """Tickets in a box per permit type: one query of at most one item per permit type."""
    return {c.term_sort: int(c.n) for c in CounterModel.query(count_key(scope)) if c.n > 0}


def search(
    scope: str,
    term: str,
    permit_type: str | None,
    limit: int,
    start: dict[str, Any] | None,
) -> tuple[list[str], dict[str, Any] | None]:
    """Tickets in the box with a word starting with the longest word of `term` (and the
    other words anywhere in their search text); ticket numbers and where to go on."""
    first, others = _split(term)
    results = IndexModel.query(
        word_key(scope, first, permit_type),
        IndexModel.term_sort.startswith(first),
        filter_condition=_others(others),
        limit=limit,
        last_evaluated_key=start,
        page_size=limit,
    )
    return [i.ticket_no for i in results], results.last_evaluated_key


def search_count(scope: str, term: str, permit_type: str | None) -> int:
    first, others = _split(term)
    return IndexModel.count(
        word_key(scope, first, permit_type),
        IndexModel.term_sort.startswith(first),
        filter_condition=_others(others),
    )


def _split(term: str) -> tuple[str, list[str]]:
    found = term.split()
    first = max(found, key=len)
    return first, [w for w in found if w != first]


def _others(others: list[str]) -> Any:
    condition = None
    for word in others:
        part = IndexModel.search_text.contains(f" {word}")
        condition = part if condition is None else condition & part
    return condition


def by_time(
    scope: str, limit: int, start: dict[str, Any] | None, newest_first: bool = False
) -> tuple[list[str], dict[str, Any] | None]:
    results = IndexModel.query(
        time_key(scope),
        scan_index_forward=not newest_first,
        limit=limit,
        last_evaluated_key=start,
        page_size=limit,
    )
    return [i.ticket_no for i in results], results.last_evaluated_key


def overdue(scope: str, limit: int) -> list[str]:
    return [i.ticket_no for i in IndexModel.query(overdue_key(scope), limit=limit)]


def overdue_count(scope: str) -> int:
    return IndexModel.count(overdue_key(scope))
