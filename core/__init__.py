"""Shared helpers without models (STYLE.md): one small module per concern."""
