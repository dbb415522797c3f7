"""Kind 5: lists of changes to workers' histories (人员变动): transfers, post and grade changes,
leave and return, secondment, leaving, retirement and re-hiring, one change per row.

A row names the worker by ID number (found by its keyed hash among the workers the importer
manages; a number outside that scope reads as unknown, revealing nothing), the kind of change,
the date it takes effect and the cells that kind reads (`columns`). Each row is read in full
(`rows`), then every worker's rows are checked and planned in date order by the same rules and
the same pure planner as `trainees.history.history_change` (`histories`), so that several rows
for one worker build up their history. The preview is that plan; the apply plans again and
writes every worker's periods at once through `trainees.history.apply_plans`, with one audit
event per row, in the import's single transaction: all rows or none (`kind`). Queries come per
file or per 2,000 workers, never per row.
"""

from .kind import ChangesKind

__all__ = ["ChangesKind"]
