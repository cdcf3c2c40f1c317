"""Limits of unconfirmed uploads (the grants' store and the documents use case share them)."""

# Upload grants not yet confirmed, per ticket, step and official; each lives its own item.
MAX_PENDING_UPLOADS = 5
# A grant's presigned POST lives UPLOAD_SECONDS; confirming may take a little longer.
UPLOAD_SECONDS = 900
CONFIRM_GRACE_SECONDS = 300
