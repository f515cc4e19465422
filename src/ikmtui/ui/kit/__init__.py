"""What every area shares: the screen and table-screen bases, the virtual table, forms, dialogs, the footer,
file delivery and translated bindings."""
