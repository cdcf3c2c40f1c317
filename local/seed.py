"""Demo data for the local stack only: the demo accounts (and, as issues add them, tickets)."""

from __future__ import annotations

import contextlib
import json
from pathlib import Path
from typing import Any

from chalicelib.auth.users import UserDirectory
from chalicelib.errors import Conflict

DEMO_USERS = Path(__file__).with_name("demo_users.json")
DEFAULT_DEMO_PASSWORD = "Demo#2026!"


def demo_users() -> list[dict[str, Any]]:
    return json.loads(DEMO_USERS.read_text(encoding="utf-8"))


def seed_users(directory: UserDirectory, password: str) -> list[dict[str, Any]]:
    created = []
    for user in demo_users():
        with contextlib.suppress(Conflict):  # already there from an earlier seed
            directory.create(
                user["email"],
                user["name"],
                user["roles"],
                region=user.get("region"),
                agency=user.get("agency"),
                phone=user.get("phone"),
                password=password,
            )
        created.append(user)
    return created
