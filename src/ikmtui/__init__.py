"""ikmtui: a keyboard-driven terminal application for an IKM development programme."""

__version__ = "0.1.0"
