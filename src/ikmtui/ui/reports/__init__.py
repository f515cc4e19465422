"""Reports: pick a report and a period, read it, export it."""
