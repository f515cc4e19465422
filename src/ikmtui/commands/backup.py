"""``ikmtui backup`` and ``ikmtui restore``: consistent copies of the database, and putting one back."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import orjson

from ikmtui import clock
from ikmtui.commands import acting_user, console, db_path, open_database
from ikmtui.i18n import _
from ikmtui.storage import Database, DatabaseDamaged, ForeignFile, LockLost, NewerSchema
from ikmtui.storage.backup import backup_dir, make_backup
from ikmtui.storage.database import fingerprint, locked_path, parse_journal_file, resolve
from ikmtui.storage.files import atomic_write, read_regular
from ikmtui.storage.schema import META_ID, SCHEMA_VERSION, Tables

#: Tables that are bookkeeping, not records staff would count.
_BOOKKEEPING = ("audit", "meta")
_YES = {"y", "yes", "ya", "iya"}


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "backup",
        parents=[common],
        help=_("write a backup copy of the database and print its path"),
        description=_("Write a consistent copy of the database (saved changes included) and print its path."),
    )
    parser.add_argument(
        "--out",
        type=Path,
        metavar=_("DIR"),
        help=_("folder for the backup (default: NAME.json.backups next to the database)"),
    )
    parser.set_defaults(handler=run_backup)

    parser = sub.add_parser(
        "restore",
        parents=[common],
        help=_("replace the database with a backup"),
        description=_(
            "Replace the database with a backup. The current state is backed up first, so a "
            "restore can itself be undone."
        ),
    )
    parser.add_argument("file", type=Path, metavar=_("FILE"), help=_("the backup file to restore"))
    parser.add_argument("--yes", "-y", action="store_true", help=_("do not ask for confirmation"))
    parser.set_defaults(handler=run_restore)


def _say(message: object, *, stderr: bool = False, end: str = "\n") -> None:
    console(stderr=stderr).print(message, markup=False, soft_wrap=True, end=end)


# ------------------------------------------------------------------------------------------------ backup
def run_backup(args: argparse.Namespace) -> int:
    from ikmtui.domain import permissions

    db = open_database(args)  # signs in once accounts exist
    if args.out:  # a copy outside the database's own folder carries personal data elsewhere
        permissions.require(db.docs("staff"), db.user, "personal.export")
    target = make_backup(db.path, args.out, reason="manual", data=db._data)
    with db.transaction() as txn:  # who copied the personal data, and where to
        txn.log("backup", "", None, detail=str(target))
    _say(str(target))
    return 0


# ------------------------------------------------------------------------------------------------ restore
def _records(data: Tables) -> int:
    return sum(len(docs) for name, docs in data.items() if name not in _BOOKKEEPING)


def _read_backup(source: Path) -> tuple[Tables, str]:
    """The tables in ``source`` (with a journal next to it folded in, if it belongs to that snapshot) and a note
    when a journal beside it was left out; a StorageError saying why not (also for a folder, FIFO or device)."""
    _info, raw = read_regular(source)
    data = Database.parse_snapshot(source, raw)
    found = int(data["meta"][META_ID].get("schema", 0))
    if found > SCHEMA_VERSION:
        raise NewerSchema(source, found, SCHEMA_VERSION)
    # A copy of a live database: its last saves are in the journal (each line checked, as when opening).
    changed, note = parse_journal_file(source.with_name(source.name + ".journal"), data, fingerprint(raw))
    return {**data, **changed}, note


def _confirm(question: str) -> bool:
    _say(question + " ", stderr=True, end="")
    try:
        answer = sys.stdin.readline()
        typed = sys.stdin.isatty()
    except (OSError, EOFError, ValueError):
        answer, typed = "", False
    if not typed:  # piped answers are not echoed: end the question's line ourselves
        _say(answer.strip(), stderr=True)
    return answer.strip().lower() in _YES


def _carry_over(current: Tables, restored: Tables) -> None:
    """What a restore must not roll back: issued ids and codes (never handed out twice) and the audit log."""
    meta = restored["meta"][META_ID] = dict(restored["meta"][META_ID])
    now_meta = current["meta"][META_ID]
    counters = dict(meta.get("counters", {}))
    for key, value in now_meta.get("counters", {}).items():
        counters[key] = max(counters.get(key, 0), value)
    last_ids = dict(meta.get("last_ids", {}))
    for table, docs in current.items():
        if table in _BOOKKEEPING:
            continue
        highest = max(map(int, docs), default=0)
        last_ids[table] = max(last_ids.get(table, 0), now_meta.get("last_ids", {}).get(table, 0), highest)
    meta["counters"], meta["last_ids"] = counters, {k: v for k, v in last_ids.items() if v}
    # The audit log only grows: if the backup's log is the start of the current one, keep the current one.
    old_audit, new_audit = restored.get("audit", {}), current.get("audit", {})
    if all(new_audit.get(key) == entry for key, entry in old_audit.items()):
        restored["audit"] = dict(new_audit)


def _raw_safety_copy(target: Path) -> Path:
    """A byte copy of a database that cannot be opened (and of its journal), before it is replaced."""
    folder = backup_dir(target)
    folder.mkdir(parents=True, exist_ok=True, mode=0o700)
    stamp = clock.now().strftime("%Y%m%d-%H%M%S-%f")
    copy = folder / f"{target.stem}-before-restore-{stamp}.json"
    atomic_write(copy, read_regular(target)[1])
    journal = target.with_name(target.name + ".journal")
    if journal.exists():
        atomic_write(copy.with_name(copy.name + ".journal"), read_regular(journal)[1])
    return copy


def _replace_damaged(target: Path, data: Tables, lock_timeout: float = 15.0) -> None:
    """Put ``data`` in place of a damaged database under its lock (the damaged bytes were copied first)."""
    with locked_path(target, lock_timeout) as lock:
        if not lock.still_held():
            raise LockLost(target)
        journal = target.with_name(target.name + ".journal")
        journal.unlink(missing_ok=True)  # its content belongs to the damaged state, kept in the copy
        atomic_write(target, orjson.dumps(data))


def run_restore(args: argparse.Namespace) -> int:
    source: Path = args.file
    target = resolve(db_path(args))
    user = acting_user(args)
    try:
        data, note = _read_backup(source)
    except (ForeignFile, DatabaseDamaged, NewerSchema) as exc:  # ForeignFile covers a folder, FIFO or device
        _say("ikmtui: " + _("Nothing was restored: {reason}", reason=exc), stderr=True)
        return 2
    if note:
        _say("ikmtui: " + note, stderr=True)
    if target.exists() and os.path.samefile(source, target):
        _say("ikmtui: " + _("Nothing was restored: {file} is the database itself", file=source), stderr=True)
        return 2

    current: Database | None = None
    damage: DatabaseDamaged | None = None
    if target.exists():
        try:
            current = open_database(args)  # signs in once accounts exist
        except DatabaseDamaged as exc:  # a foreign file or a newer schema is never overwritten
            damage = exc  # no account can be checked in a file that cannot be read: its owner may restore
    if current is not None:
        from ikmtui.domain import permissions

        permissions.require(current.docs("staff"), current.user, "backup.restore")

    records = _records(data)
    if not args.yes and (current or damage):
        if current:
            question = _(
                "Replace {db} ({now} records) with the backup {file} ({then} records)? "
                "Changes saved after that backup will be undone. [y/N]",
                db=target,
                now=_records(current._data),
                file=source,
                then=records,
            )
        else:
            question = _(
                "Replace the damaged database {db} with the backup {file} ({then} records)? [y/N]",
                db=target,
                file=source,
                then=records,
            )
        if not _confirm(question):
            _say(_("Restore cancelled; nothing was changed."))
            return 1

    safety: Path | None = None
    if current is not None:
        safety = make_backup(target, reason="before-restore", data=current._data)
        _carry_over(current._data, data)
        current.write_snapshot(data)  # other processes see the new snapshot on their next refresh
    elif damage is not None:
        safety = _raw_safety_copy(target)
        _replace_damaged(target, data)
    else:
        Database(target, user).write_snapshot(data)

    restored = Database(target, user, create=False)  # migrates a backup from an older ikmtui
    with restored.transaction() as txn:
        txn.log("restore", "", None, detail=f"{source.name}" + (f" ({safety.name})" if safety else ""))

    _say(_("Restored {file} into {db}: {n} records.", file=source, db=target, n=records))
    if safety is not None:
        _say(_("The previous state was saved as {path}", path=safety))
    return 0
