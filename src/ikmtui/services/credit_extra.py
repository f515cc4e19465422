"""Moved: this module only re-exports, for the screens that still import it. Use the new homes:

* :class:`IkmIndex`, :class:`IkmEntry` -> :mod:`ikmtui.services.registry`
* :func:`check_step`, ``check_repayable(db, app_id)`` (now :func:`~ikmtui.services.credit.check_takes_repayments`),
  :func:`editable_fields`, :func:`not_editable_message`, :class:`InstallmentRow`, :func:`installment_rows`,
  :func:`bulk_totals`, :func:`days_past_due` -> :mod:`ikmtui.services.credit`
* :class:`DaysPastDue`, ``Items`` -> :mod:`ikmtui.domain.arrears`
* :func:`parse_repayment_text`, :func:`read_repayment_file` -> :mod:`ikmtui.io.repayments`
"""

from __future__ import annotations

from ikmtui.domain.arrears import DaysPastDue as DaysPastDue
from ikmtui.domain.arrears import Items as Items
from ikmtui.io.repayments import parse_repayment_text as parse_repayment_text
from ikmtui.io.repayments import read_repayment_file as read_repayment_file
from ikmtui.services.credit import InstallmentRow as InstallmentRow
from ikmtui.services.credit import bulk_totals as bulk_totals
from ikmtui.services.credit import check_step as check_step
from ikmtui.services.credit import check_takes_repayments
from ikmtui.services.credit import days_past_due as days_past_due
from ikmtui.services.credit import editable_fields as editable_fields
from ikmtui.services.credit import installment_rows as installment_rows
from ikmtui.services.credit import not_editable_message as not_editable_message
from ikmtui.services.registry import IkmEntry as IkmEntry
from ikmtui.services.registry import IkmIndex as IkmIndex

check_repayable = check_takes_repayments  # the old name; services.credit.check_repayable is the rule itself
