"""Moving records in and out of ikmtui: spreadsheet import and export."""
