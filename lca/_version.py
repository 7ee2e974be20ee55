"""The package version (read by setuptools for the wheel, and by reports)."""

__version__ = "0.1.0"
