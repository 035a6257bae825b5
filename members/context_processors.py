"""Template context about the signed-in member, for the layout on every page."""

from django.utils.functional import SimpleLazyObject

from members.models import Profile

# Pages where the "complete your profile" reminder would only repeat the page itself.
_NO_REMINDER_VIEWS = frozenset({"members:onboarding", "members:edit"})


def member(request) -> dict:
    """``my_profile`` and ``show_onboarding_reminder``, both lazy.

    Queries: none for visitors; for a member at most one (``SELECT … FROM
    members_profile WHERE user_id = …``), run only when a template uses either
    value (base.html's reminder does on every full page) and cached on
    ``request.user``, so a view that already read ``request.user.profile`` pays
    nothing extra.
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"my_profile": None, "show_onboarding_reminder": False}

    def profile():
        try:
            return user.profile
        except Profile.DoesNotExist:
            return None

    def reminder():
        match = getattr(request, "resolver_match", None)
        if match is not None and match.view_name in _NO_REMINDER_VIEWS:
            return False
        current = profile()
        return current is not None and not current.is_onboarded

    return {
        "my_profile": SimpleLazyObject(profile),
        "show_onboarding_reminder": SimpleLazyObject(reminder),
    }
