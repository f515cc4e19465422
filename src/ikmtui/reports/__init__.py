"""Reports: figures as plain data and Rich renderables built from them, as pure functions (no UI imports)."""
