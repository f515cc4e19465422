"""``ikmtui check``: verify a database file and say what was found."""

from __future__ import annotations

import argparse

from rich.table import Table

from ikmtui.commands import console, open_database
from ikmtui.i18n import _


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser("check", parents=[common], help=_("verify a database: opens, schema, references"))
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ikmtui.domain.relations import dangling
    from ikmtui.storage import TABLES
    from ikmtui.storage.schema import SCHEMA_VERSION, is_record_id

    # Opening checks every shape: the snapshot (tables of records keyed by decimal ids) and each journal line
    # (a transaction of [kind, table, id, record] changes); the first thing wrong is refused with one line
    # naming the file and the line. A folder, FIFO or device is refused before anything is read.
    db = open_database(args)
    out = console()
    table = Table(title=_("{path}: schema {schema}", path=db.path, schema=db.meta.get("schema", SCHEMA_VERSION)))
    table.add_column(_("Table"))
    table.add_column(_("Records"), justify="right")
    for name in TABLES:
        table.add_row(name, str(db.count(name)))
    out.print(table)
    bad_ids = [(name, key) for name, docs in db._data.items() for key in docs if not is_record_id(key)]
    for name, key in bad_ids[:50]:  # never let through by opening; checked again here all the same
        out.print(_("{table}: record id {id} is not a decimal number", table=name, id=key), markup=False)
    problems = list(dangling(db._data))
    for ref, key, missing in problems[:50]:
        out.print(
            _(
                "{table} {id}: {field} points to {target} {missing}, which does not exist",
                table=ref.table,
                id=key,
                field=ref.field,
                target=ref.target,
                missing=missing,
            )
        )
    if problems:
        out.print(_("{n} broken references", n=len(problems)), style="bold red")
    if problems or bad_ids:
        return 1
    out.print(_("OK: the database opens and every reference points to an existing record"), style="bold green")
    return 0
