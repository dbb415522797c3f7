"""Kind 4: exam results (职业水平考试成绩) as the exam authority publishes them.

The authority's result lists have one row per candidate and subject: 姓名, 证件号码, 级别,
科目, 成绩, 是否合格. This kind reads that layout, plus the exam year (the lists are published
per year, so a district file that gathers several years needs it). A worker is found by ID
number; the name is a cross-check against the roster, because a mistyped ID number that
happens to be valid would otherwise record someone else's results. Levels and subjects are
rows an administrator edits (certification/models.py), so their accepted spellings are derived
from the names: the full name, the name without the level in brackets, and without the
"社会工作" prefix (the authority writes "综合能力" under the level "中级").

Whether a subject passed is decided by the subject's pass mark in Dudao, not read from the
file (是否合格 is shown in exports for the reader). The writes go through
`certification.services.attempt_record`, one call per worker, year and level, which scopes the
change to the actor, replaces the scores of the subjects given and creates the certificate
once every subject of the level is passed within its window.
"""

from .kind import ExamsKind

__all__ = ["ExamsKind"]
