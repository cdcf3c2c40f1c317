"""Administer users and PTSP deliveries from a terminal: `python -m chalicelib.cli --help`.

`users ...` manages accounts; `ptsp dead-letters` lists the decisions PTSP did not accept
after every retry and `ptsp redrive` sends them again (same webhook-id).

Works against whatever the environment points at: a deployed pool (USER_POOL_ID,
USER_POOL_CLIENT_ID, AWS credentials) and queues (PTSP_CALLBACKS_*_URL), or the local
stack (`--env-file .local/stack.env`).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from chalicelib.errors import AppError

if TYPE_CHECKING:
    from chalicelib.adapters.users import UserProfile


def load_env_file(path: Path) -> None:
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        os.environ[key.strip()] = value.strip().strip("'\"")


def _print(profiles: list[UserProfile], as_json: bool) -> None:
    if as_json:
        print(json.dumps([p.to_dict() for p in profiles], indent=2, ensure_ascii=False))
        return
    print(f"{'EMAIL':<32} {'NAMA':<36} {'PERAN':<24} {'WILAYAH':<16} AKTIF")
    for p in profiles:
        print(
            f"{p.email:<32} {p.name[:36]:<36} {','.join(p.roles):<24} "
            f"{(p.region or '-'):<16} {'ya' if p.enabled else 'tidak'}"
        )


def _print_dead_letters(letters: list[dict[str, Any]], as_json: bool) -> None:
    if as_json:
        print(json.dumps(letters, indent=2, ensure_ascii=False))
        return
    if not letters:
        print("Tidak ada keputusan yang tertahan di antrean gagal kirim (DLQ) PTSP.")
        return
    print(f"{'TIKET':<20} {'STATUS':<40} {'PERCOBAAN':>9}  WEBHOOK-ID")
    for d in letters:
        print(
            f"{(d.get('ticket_no') or '-'):<20} {(d.get('status') or '-')[:40]:<40} "
            f"{d.get('attempts', 0):>9}  {d.get('webhook_id') or '-'}"
        )
    print(
        f"\n{len(letters)} keputusan tertahan. Kirim ulang: python -m chalicelib.cli ptsp redrive"
    )


def run_ptsp(args: argparse.Namespace) -> int:
    from botocore.exceptions import BotoCoreError, ClientError

    from chalicelib.settings import settings
    from chalicelib.usecases import ptsp_callbacks as callbacks

    missing = [
        name
        for name, value in (
            ("PTSP_CALLBACKS_QUEUE_URL", settings().ptsp_callbacks_queue_url),
            ("PTSP_CALLBACKS_DLQ_URL", settings().ptsp_callbacks_dlq_url),
        )
        if not value
    ]
    if missing:
        print(f"Gagal: {', '.join(missing)} belum diatur (pakai --env-file?).", file=sys.stderr)
        return 2
    try:
        return _run_ptsp(args, callbacks)
    except (BotoCoreError, ClientError) as error:
        print(f"Gagal menghubungi antrean PTSP: {error}", file=sys.stderr)
        return 2


def _run_ptsp(args: argparse.Namespace, callbacks: Any) -> int:
    if args.command == "dead-letters":
        _print_dead_letters(callbacks.dead_letters(args.limit), args.json)
    elif args.command == "redrive":
        moved = callbacks.redrive_all()
        if args.json:
            print(json.dumps({"moved": moved}))
        elif moved:
            print(f"{moved} keputusan dikirim ulang ke antrean PTSP.")
        else:
            print("Tidak ada keputusan yang perlu dikirim ulang ke PTSP.")
    return 0


def run_tickets(args: argparse.Namespace) -> int:
    """One-off maintenance: tickets stored before workflows were declared take their
    workflow, agency, forms and inbox keys (safe to run again: each ticket is changed once)."""
    from chalicelib.adapters import store

    seen = changed = 0
    for ticket_no in store.ticket_numbers():
        seen += 1
        changed += store.adopt_declarations(ticket_no)
    if args.json:
        print(json.dumps({"tickets": seen, "changed": changed}))
    else:
        print(f"{changed} dari {seen} ticket diperbarui ke alur yang dideklarasikan.")
    return 0


def run(args: argparse.Namespace) -> int:
    if args.group == "ptsp":
        return run_ptsp(args)
    if args.group == "tickets":
        return run_tickets(args)
    from chalicelib.container import users

    directory = users()
    if args.command == "list":
        _print(directory.list(args.role), args.json)
    elif args.command == "create":
        profile, temporary = directory.create(
            args.email,
            args.name,
            args.role,
            region=args.region,
            agency=args.agency,
            phone=args.phone,
            password=args.password,
        )
        _print([profile], args.json)
        if temporary:
            print(f"\nPassword sementara (wajib diganti saat login pertama): {temporary}")
    elif args.command == "set-roles":
        _print([directory.update(args.email, {"roles": args.roles})], args.json)
    elif args.command == "set-region":
        _print([directory.update(args.email, {"region": args.region or None})], args.json)
    elif args.command in ("enable", "disable"):
        _print([directory.update(args.email, {"enabled": args.command == "enable"})], args.json)
    return 0


def parser() -> argparse.ArgumentParser:
    # The roles are the declared workflows' (read once the env file has named any extra
    # declaration roots), so they are imported here and not at the top.
    from chalicelib.auth.roles import ROLES

    root = argparse.ArgumentParser(
        prog="python -m chalicelib.cli",
        description=__doc__,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    root.add_argument(
        "--env-file",
        type=Path,
        help="KEY=VALUE lines to load first, e.g. .local/stack.env of `make run`",
    )
    root.add_argument("--json", action="store_true", help="print JSON instead of a table")
    groups = root.add_subparsers(dest="group", required=True)
    users = groups.add_parser("users", help="user accounts (Cognito)")
    commands = users.add_subparsers(dest="command", required=True)

    listing = commands.add_parser("list", help="list users")
    listing.add_argument("--role", choices=ROLES, help="only users with this role")

    create = commands.add_parser("create", help="create a user")
    create.add_argument("email")
    create.add_argument("--name", required=True)
    create.add_argument(
        "--role", action="append", required=True, choices=ROLES, help="repeat for several roles"
    )
    create.add_argument("--region", help="wilayah; required for a region-scoped role")
    create.add_argument("--agency", help="instansi")
    create.add_argument("--phone", help="international form, e.g. +6281234567890")
    create.add_argument("--password", help="permanent password; omit for a temporary one")

    set_roles = commands.add_parser("set-roles", help="replace a user's roles")
    set_roles.add_argument("email")
    set_roles.add_argument("roles", nargs="+", choices=ROLES)

    set_region = commands.add_parser("set-region", help="set (or clear with '') the region")
    set_region.add_argument("email")
    set_region.add_argument("region")

    for name in ("enable", "disable"):
        toggle = commands.add_parser(name, help=f"{name} a user's login")
        toggle.add_argument("email")

    ptsp = groups.add_parser(
        "ptsp",
        help="final decisions sent to PTSP (dead-letter queue)",
        description="Decisions PTSP did not accept after every retry wait in a dead-letter "
        "queue (DLQ) until an admin sends them again.",
    )
    ptsp_commands = ptsp.add_subparsers(dest="command", required=True)
    dead = ptsp_commands.add_parser(
        "dead-letters",
        help="list decisions waiting in the DLQ: ticket, status, attempts, webhook-id",
    )
    dead.add_argument(
        "--limit", type=int, default=100, help="list at most this many (default: 100)"
    )
    ptsp_commands.add_parser(
        "redrive",
        help="send every dead letter to PTSP again (same webhook-id) and print how many",
    )
    tickets = groups.add_parser("tickets", help="maintenance of stored tickets")
    tickets.add_subparsers(dest="command", required=True).add_parser(
        "adopt-declarations",
        help="once after upgrading: give tickets stored before workflows were declared their "
        "workflow, agency, forms and inbox keys",
    )
    return root


def main(argv: list[str] | None = None) -> int:
    # The env file first: it says where everything is, the declarations included.
    early = argparse.ArgumentParser(add_help=False)
    early.add_argument("--env-file", type=Path)
    env_file = early.parse_known_args(argv)[0].env_file
    if env_file:
        load_env_file(env_file)
    args = parser().parse_args(argv)
    from chalicelib import container

    container.wire()
    try:
        return run(args)
    except AppError as error:
        print(f"Gagal: {error.message}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
