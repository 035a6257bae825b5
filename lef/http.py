"""Small HTTP helpers every app's views share."""

from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme


def on_this_site(request, url: str) -> bool:
    """Whether ``url`` points into this site (same host, and https if the request was)."""
    return url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    )


def safe_next_url(request, url: str | None) -> str:
    """``url`` when it is a path on this site, else "" (for ``?next=``).

    Only a path counts ("/projects/"): a bare word such as ``foo`` or
    ``account_logout`` is not one (``redirect()`` would read it as the name of a
    view), nor an address on another host (``//evil.example``).
    """
    if url and url.startswith("/") and on_this_site(request, url):
        return url
    return ""


def members_only(request, *, what: str):
    """The page a visitor gets for something only members may see: 403, with a login link.

    ``what`` names the thing in a sentence ("This profile", "This project").
    Not a bare 404: the visitor often came from a link a member sent them.
    """
    return render(request, "lef/members_only.html", {"what": what}, status=403)


def posted(request) -> tuple:
    """A form's data and files: bound for a POST (even an empty one), unbound otherwise."""
    if request.method == "POST":
        return request.POST, request.FILES
    return None, None
