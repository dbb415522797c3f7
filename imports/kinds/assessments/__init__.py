"""Kind 6: yearly assessment results (年度考核结果), one row per worker and year.

A row names the worker by ID number (a keyed hash; the name is a cross-check against the
roster, as the change lists do), the year of the round, the result as offices write it (优秀,
合格, 基本合格, 不合格, 不确定等次, and the civil-service words 称职, 基本称职 …) and a note.
The only write path is `trainees.assessments.services.results_set`, which decides who may
enter whose result (the subdistrict that placed the worker that year), the 优秀 quota and the
lock. The preview asks it too: each round's rows are handed to it inside a savepoint that is
rolled back, so that the preview refuses exactly what the apply would, with the refused
worker's row and the quota's message (`kind`). The export lists the results entered, and
for open rounds the workers still without one (a blank result, which the import leaves as it
is), so that an office can fill it in and send it back.
"""

from .kind import AssessmentsKind

__all__ = ["AssessmentsKind"]
