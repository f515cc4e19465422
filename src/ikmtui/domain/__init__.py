"""Domain rules in plain Python: records, validation, money and the rules of each area (no UI imports)."""
