"""The dashboard: headline figures and charts."""
