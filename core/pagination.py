"""Page sizes from the address kept within bounds.

django-tables2 takes `?per_page=` from the address over the page size a list sets. A
negative one made its paginator fail (a 500 on every list); a huge one would render the
whole district in one page. Lists pass this paginator instead of Django's.
"""

from django.core.paginator import Paginator

MAX_PER_PAGE = 200


class BoundedPaginator(Paginator):
    def __init__(self, object_list, per_page, *args, **kwargs):
        super().__init__(object_list, min(max(int(per_page), 1), MAX_PER_PAGE), *args, **kwargs)
