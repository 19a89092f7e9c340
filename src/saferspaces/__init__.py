"""Safer Spaces: self-assessment of security and safety in public spaces, without rankings."""

__version__ = "0.1.0"
