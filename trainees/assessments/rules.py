"""The assessment's pure rules, testable without a database."""

from __future__ import annotations


def excellent_allowed(share_percent: int, workers: int) -> int:
    """How many 优秀 a subdistrict may give: the share of its workers in the round, rounded
    down (a 15% share of 19 workers allows 2)."""
    return share_percent * workers // 100
