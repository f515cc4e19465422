"""Import a spreadsheet from the app."""
