"""Training pages, one module per concept (events, sittings and marking, check-in, leave,
hours); urls.py names each view."""
