"""PynamoDB models of the tables declared in infra/ (names come from the environment)."""

from __future__ import annotations

import os

from pynamodb.attributes import (
    BooleanAttribute,
    JSONAttribute,
    NumberAttribute,
    UnicodeAttribute,
)
from pynamodb.indexes import AllProjection, GlobalSecondaryIndex
from pynamodb.models import Model


def _meta(table_env: str, default: str) -> type:
    class Meta:
        table_name = os.environ.get(table_env, default)
        region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
        host = os.environ.get("AWS_ENDPOINT_URL") or None
        connect_timeout_seconds = 5
        read_timeout_seconds = 30
        max_retry_attempts = 3

    return Meta


class InboxIndex(GlobalSecondaryIndex["TicketModel"]):
    """Tickets waiting for a role (and region, for region-scoped roles)."""

    class Meta:
        index_name = "inbox"
        projection = AllProjection()

    inbox_key = UnicodeAttribute(hash_key=True)
    inbox_at = UnicodeAttribute(range_key=True)


class TicketModel(Model):
    Meta = _meta("TICKETS_TABLE", "etracking-tickets")

    ticket_no = UnicodeAttribute(hash_key=True)
    workflow = UnicodeAttribute(null=True)  # the declared workflow (older tickets: by intake)
    agency = UnicodeAttribute(null=True)
    permit_type = UnicodeAttribute()
    region = UnicodeAttribute()
    applicant = JSONAttribute()
    applicant_name = UnicodeAttribute()
    submitted_at = UnicodeAttribute()
    location = JSONAttribute(null=True)  # none yet on a draft whose parcel is not drawn
    ptsp_documents = JSONAttribute(default=list)
    documents = JSONAttribute(default=dict)
    forms = JSONAttribute(null=True)  # the forms decisions carried, by form name
    # Before forms were declared, the one form a ticket had (Andesit's rekomtek) was kept in
    # an attribute of its own; `store.adopt_declarations` moves it into `forms`.
    legacy_form = JSONAttribute(null=True, attr_name="rekomtek")
    last_decision = JSONAttribute(null=True)
    # email → {decided_at, action} of each official's last decision here, so a decision
    # knows without a read whether its official decided this ticket before. None on
    # tickets older than this attribute: their DECIDED markers are read instead.
    deciders = JSONAttribute(null=True)
    # {"entries": [outbox ids], "state": ASL state} of a decision on its way to the workflow:
    # recording what comes after that state settles those entries in the same transaction.
    forwarding = JSONAttribute(null=True)
    signing_until = UnicodeAttribute(null=True)  # an SK being signed: nobody else signs it now
    draft = BooleanAttribute(default=False)  # an application not yet submitted (AJUKAN)
    channel = UnicodeAttribute(null=True)  # how it came in: ptsp, portal (online), loket
    application = JSONAttribute(null=True)  # the application data the applicant filled in
    search_text = UnicodeAttribute()

    status = UnicodeAttribute()
    state = UnicodeAttribute(null=True)  # ASL state of the current (or next) human step
    step = UnicodeAttribute(null=True)
    role = UnicodeAttribute(null=True)  # role that acts now
    final = BooleanAttribute(default=False)
    pending = JSONAttribute(null=True)  # the step waiting for a decision, with its task token
    entered_at = UnicodeAttribute(null=True)  # when the last recorded step was entered
    overdue_count = NumberAttribute(default=0)
    overdue_since = UnicodeAttribute(null=True)  # waiting past its time at this step since
    inbox_key = UnicodeAttribute(null=True)
    inbox_at = UnicodeAttribute(null=True)
    inbox = InboxIndex()

    execution_arn = UnicodeAttribute(null=True)
    webhook_id = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    updated_at = UnicodeAttribute()
    decided_at = UnicodeAttribute(null=True)
    version = NumberAttribute(default=0)
    # A draft's data and applicant as edited: each save of them adds one (documents do not);
    # a screen that saves what it showed at an older revision is refused, not lost.
    revision = NumberAttribute(default=0)
    # Which access code tracks it: one more each time its applicant replaces a shared code.
    access_generation = NumberAttribute(default=0)

    @property
    def applicant_email(self) -> str | None:
        return (self.applicant or {}).get("email")


class HistoryModel(Model):
    """Append-only: one item per event of a ticket (arrival, decision, overdue, final)."""

    Meta = _meta("HISTORY_TABLE", "etracking-history")

    ticket_no = UnicodeAttribute(hash_key=True)
    seq = UnicodeAttribute(range_key=True)
    kind = UnicodeAttribute()
    state = UnicodeAttribute(null=True)
    step = UnicodeAttribute(null=True)
    status = UnicodeAttribute()
    role = UnicodeAttribute(null=True)
    actor_key = UnicodeAttribute(null=True)
    actor_name = UnicodeAttribute(null=True)
    action = UnicodeAttribute(null=True)
    result = UnicodeAttribute(null=True)  # what the decision made of it ("SIAP DS"); none before
    note = UnicodeAttribute(null=True)
    entered_at = UnicodeAttribute(null=True)
    decided_at = UnicodeAttribute(null=True)
    details = JSONAttribute(null=True)


class DecidedModel(Model):
    """Index item per (official, ticket) for the "Data Disetujui" box: tickets I decided."""

    Meta = _meta("SEARCH_TABLE", "etracking-search")

    term_key = UnicodeAttribute(hash_key=True)  # DECIDED#<email>
    term_sort = UnicodeAttribute(range_key=True)  # ticket_no
    permit_type = UnicodeAttribute()
    search_text = UnicodeAttribute()
    decided_at = UnicodeAttribute()
    action = UnicodeAttribute()


class UnreadIndex(GlobalSecondaryIndex["NotificationModel"]):
    """Sparse: only unread notifications carry `unread_at`, so reading them costs what they are."""

    class Meta:
        index_name = "unread"
        projection = AllProjection()

    recipient = UnicodeAttribute(hash_key=True)
    unread_at = UnicodeAttribute(range_key=True)


class NotificationModel(Model):
    Meta = _meta("NOTIFICATIONS_TABLE", "etracking-notifications")

    recipient = UnicodeAttribute(hash_key=True)
    notification_id = UnicodeAttribute(range_key=True)  # <created_at>#<ticket_no>#<event>
    ticket_no = UnicodeAttribute()
    title = UnicodeAttribute()
    message = UnicodeAttribute()
    summary = JSONAttribute()
    link = UnicodeAttribute()
    created_at = UnicodeAttribute()
    read = BooleanAttribute(default=False)
    unread_at = UnicodeAttribute(null=True)  # the notification id while unread
    unread = UnreadIndex()


class IdempotencyModel(Model):
    Meta = _meta("IDEMPOTENCY_TABLE", "etracking-idempotency")

    id = UnicodeAttribute(hash_key=True)
    ticket_no = UnicodeAttribute()
    expiration = NumberAttribute()


class DueIndex(GlobalSecondaryIndex["OutboxModel"]):
    """Entries whose lease has run out, oldest first: what the sweeper must still carry out."""

    class Meta:
        index_name = "due"
        projection = AllProjection()

    due = UnicodeAttribute(hash_key=True)
    due_at = UnicodeAttribute(range_key=True)


class OutboxModel(Model):
    """What a state change still owes (a SendTaskSuccess, an event, a text message), written
    in the same transaction as the change and deleted once carried out."""

    Meta = _meta("OUTBOX_TABLE", "etracking-outbox")

    id = UnicodeAttribute(hash_key=True)
    kind = UnicodeAttribute()
    payload = JSONAttribute()
    due = UnicodeAttribute(default="due")
    due_at = UnicodeAttribute()  # until then the writer itself is carrying it out
    attempts = NumberAttribute(default=0)
    last_error = UnicodeAttribute(null=True)
    created_at = UnicodeAttribute()
    by_due = DueIndex()


class IndexModel(Model):
    """An index item in the search table, kept in the same transaction as its ticket's move.

    `W#<scope>[#<permit type>]#<first letter>` / `<word>#<ticket>`: a word of the ticket, for
    word-prefix search; `T#<inbox>` / `<entered_at>#<ticket>`: the inbox by waiting time;
    `O#<inbox>` / `<overdue since>#<ticket>`: the overdue in the inbox. Every query reads only
    the items it returns, however large the table grows.
    """

    Meta = _meta("SEARCH_TABLE", "etracking-search")

    term_key = UnicodeAttribute(hash_key=True)
    term_sort = UnicodeAttribute(range_key=True)
    ticket_no = UnicodeAttribute()
    permit_type = UnicodeAttribute(null=True)
    search_text = UnicodeAttribute(null=True)


class RegistrationModel(Model):
    """An applicant's registration waiting for its code (`REGISTER#<email>` / "code"): only
    the code's hash, until it expires. Wrong tries are a counter beside it."""

    Meta = _meta("SEARCH_TABLE", "etracking-search")

    term_key = UnicodeAttribute(hash_key=True)
    term_sort = UnicodeAttribute(range_key=True)
    code_hash = UnicodeAttribute()
    expires_at = UnicodeAttribute()


class CounterModel(Model):
    """A count kept with each transition (`COUNT#<scope>` / permit type; `UNREAD#<email>`),
    or of failures in a window (`THROTTLE#<key>` / window), which alone `expires` (TTL)."""

    Meta = _meta("SEARCH_TABLE", "etracking-search")

    term_key = UnicodeAttribute(hash_key=True)
    term_sort = UnicodeAttribute(range_key=True)
    n = NumberAttribute(default=0)
    expires = NumberAttribute(null=True)  # epoch seconds; the table's TTL attribute
