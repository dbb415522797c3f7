"""Where a `next` parameter may send the browser: a page of this site, or a safe default.

Every view that reads `next` (sign-in, the second factor, the admin's sign-in, moving an
enrolment) goes through `next_url`. A posted `next` used as is was an open redirect for
`https://evil.example/` or `//evil.example`, and a 500 for any word that is not a URL
(`redirect("abc")` takes it for a URL name and fails to reverse it).
"""

from django.http import HttpRequest, HttpResponseRedirect
from django.utils.http import url_has_allowed_host_and_scheme


def next_url(request: HttpRequest, default: str) -> str:
    """`next` (posted, else in the address) when it is a path on this site, else `default`.

    Only absolute paths: Dudao's own links always are, and a relative one ("abc") would
    resolve against whatever page posted it. HTTPS is required when the request came over it,
    so that a signed-in session is never sent on to plain HTTP.
    """
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target.startswith("/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return default


def redirect_next(request: HttpRequest, default: str) -> HttpResponseRedirect:
    """A redirect to `next_url`; `default` is a path (reverse a URL name first)."""
    return HttpResponseRedirect(next_url(request, default))
