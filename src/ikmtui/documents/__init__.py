"""Documents an office signs, as PDF: pure functions from stored data (tables) and the office's settings to the
bytes of a file. No UI, no storage: the command line (``ikmtui document``) and the screens read the database,
call one of these and write the bytes through the file guard.

* :mod:`.pdf`: the page every document shares (letterhead from the office settings, page numbers, the place and
  date line, signature blocks, tables, amounts in words, QR codes), fpdf2 with DejaVu Sans embedded (it covers
  Indonesian and "Rp"; shipped in ``fonts/`` with its licence) so a file looks the same on every machine;
* :mod:`.training`: the attendance sheet (blank or filled) and the certificates of a batch;
* :mod:`.gallery`: the consignment and payout statement of an IKM for a month;
* :mod:`.credit`: the repayment card and the warning letters (SP1-SP3) of a loan;
* :mod:`.profile`: the IKM profile sheet; :mod:`.report`: any report with letterhead and signature block.
"""
