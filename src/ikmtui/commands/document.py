"""``ikmtui document KIND ...``: the documents an office signs, as PDF files on the office's letterhead.

ikmtui document attendance --batch ANG-2026-0003 --blank --out daftar-hadir.pdf
ikmtui document certificates --batch ANG-2025-0001 --out sertifikat/
ikmtui document consignment --ikm IKM-000157 --month 2026-10 --out titipan.pdf
ikmtui document loan-card --loan KRD-2024-0005 --out kartu.pdf
ikmtui document reminder --loan KRD-2024-0005 --level 1 --out sp1.pdf
ikmtui document profile --ikm IKM-000001 --out profil.pdf
ikmtui document verify 001/PLT-KMS/DISPERIN/XI/2026     (exit 0 only for an issued, unrevoked certificate)
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from ikmtui.i18n import _


def register(sub: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:
    parser = sub.add_parser(
        "document",
        parents=[common],
        help=_("documents as PDF: attendance, certificates, consignment, loan-card, reminder, profile, verify"),
        description=_("Documents an office signs, as PDF files on the office's letterhead (see: ikmtui settings)."),
    )
    kinds = parser.add_subparsers(dest="document_kind", required=True, metavar=_("KIND"))

    def kind(name: str, text: str, handler: Callable[[argparse.Namespace], int]) -> argparse.ArgumentParser:
        p = kinds.add_parser(name, parents=[common], help=text, description=text)
        p.set_defaults(handler=handler)
        return p

    def output(p: argparse.ArgumentParser, text: str | None = None) -> None:
        p.add_argument("--out", required=True, help=text or _("the PDF file to write"))
        p.add_argument("--force", action="store_true", help=_("overwrite the --out file if it exists"))
        p.add_argument("--as-of", dest="as_of", default=None, help=_("the date on the document (YYYY-MM-DD)"))

    p = kind("attendance", _("the daily attendance sheet of a training batch"), run_attendance)
    p.add_argument("--batch", required=True, help=_("batch code, e.g. ANG-2026-0003"))
    p.add_argument("--blank", action="store_true", help=_("a blank sheet to sign each day, before the course"))
    output(p)
    p = kind("certificates", _("the certificates of a batch's completers, one page each"), run_certificates)
    p.add_argument("--batch", required=True, help=_("batch code, e.g. ANG-2025-0001"))
    output(p, _("a folder (the file is named after the batch) or a .pdf file"))
    p = kind("consignment", _("the consignment and payout statement of an IKM for a month"), run_consignment)
    p.add_argument("--ikm", required=True, help=_("IKM code, e.g. IKM-000123"))
    p.add_argument("--month", required=True, help=_("the month, e.g. 2026-11"))
    output(p)
    p = kind("loan-card", _("the repayment card of a loan"), run_loan_card)
    p.add_argument("--loan", required=True, help=_("loan code, e.g. KRD-2024-0005"))
    output(p)
    p = kind("reminder", _("a warning letter SP1, SP2 or SP3, numbered and recorded on the loan"), run_reminder)
    p.add_argument("--loan", required=True, help=_("loan code, e.g. KRD-2024-0005"))
    p.add_argument("--level", required=True, type=int, choices=(1, 2, 3), help=_("1, 2 or 3"))
    output(p)
    p = kind("profile", _("the IKM profile sheet (NIK masked)"), run_profile)
    p.add_argument("--ikm", required=True, help=_("IKM code, e.g. IKM-000123"))
    p.add_argument(
        "--reveal-nik", dest="reveal_nik", action="store_true", help=_("print the NIK in clear (supervisors; logged)")
    )
    output(p)
    p = kind("verify", _("check a certificate number: issued, revoked or unknown"), run_verify)
    p.add_argument("number", metavar=_("NUMBER"), help=_("the certificate number, e.g. 001/PLT-KMS/DISPERIN/XI/2026"))


def _write(args: argparse.Namespace, make: Callable[..., object], *params: object, **options: object) -> int:
    """Check the output path, make the document and write it; the saved path goes to stderr."""
    from ikmtui.commands import console, open_database
    from ikmtui.io.guard import writable_target
    from ikmtui.services import documents

    db = open_database(args)
    target = Path(args.out).expanduser()
    if not target.is_dir():  # refused before anything is made or recorded (a reminder's number)
        writable_target(target, db.path, force=args.force)
    made = make(db, *params, on=args.as_of, **options)
    assert isinstance(made, documents.Made)
    path = documents.save(db, made, target, force=args.force)
    console(stderr=True).print(_("Wrote {path}", path=path), markup=False)
    return 0


def run_attendance(args: argparse.Namespace) -> int:
    from ikmtui.services.documents import make_attendance

    return _write(args, make_attendance, args.batch, blank=args.blank)


def run_certificates(args: argparse.Namespace) -> int:
    from ikmtui.services.documents import make_certificates

    if not args.out.casefold().endswith(".pdf"):
        Path(args.out).expanduser().mkdir(parents=True, exist_ok=True, mode=0o700)
    return _write(args, make_certificates, args.batch)


def run_consignment(args: argparse.Namespace) -> int:
    from ikmtui.services.documents import make_consignment

    return _write(args, make_consignment, args.ikm, args.month)


def run_loan_card(args: argparse.Namespace) -> int:
    from ikmtui.services.documents import make_loan_card

    return _write(args, make_loan_card, args.loan)


def run_reminder(args: argparse.Namespace) -> int:
    from ikmtui.services.documents import make_reminder

    return _write(args, make_reminder, args.loan, args.level)


def run_profile(args: argparse.Namespace) -> int:
    from ikmtui.services.documents import make_profile

    return _write(args, make_profile, args.ikm, reveal=args.reveal_nik)


def run_verify(args: argparse.Namespace) -> int:
    """0: issued and not revoked; 1: revoked or never issued (said on stdout either way)."""
    from ikmtui.commands import console, open_database
    from ikmtui.services.training import certificate_status

    db = open_database(args)
    status = certificate_status(db, args.number)
    record = status.record or {}
    out = console()
    if status.state == "issued":
        out.print(
            _("{number}: issued to {who}", number=status.number, who=record.get("participant") or "?"), markup=False
        )
        return 0
    if status.state == "revoked":
        out.print(
            _(
                "{number}: REVOKED on {when} ({reason})",
                number=status.number,
                when=str(record.get("revoked_at") or "")[:10],
                reason=record.get("revoked_reason") or "-",
            ),
            markup=False,
        )
        return 1
    out.print(_("{number}: unknown, never issued by this office", number=status.number), markup=False)
    return 1
