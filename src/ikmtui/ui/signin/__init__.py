"""Sign-in and the first-run set-up of an administrator."""
