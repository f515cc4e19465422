"""Use cases of each area: domain rules applied to the database in one transaction (no UI imports)."""
