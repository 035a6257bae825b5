"""A member's own data: download it as JSON, or delete the account."""

from django import forms
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.utils.http import content_disposition_header
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from members import privacy


class DeleteAccountForm(forms.Form):
    """The member confirms with their password; wrong guesses are rate-limited."""

    password = forms.CharField(
        label=_("Your password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, user, *args, **kwargs):
        self.user = user
        self.rate_limited = False
        super().__init__(*args, **kwargs)

    def clean_password(self):
        password = self.cleaned_data["password"]
        if privacy.DELETE_ATTEMPTS.exhausted(self.user.pk):
            self.rate_limited = True
            raise forms.ValidationError(
                _("Too many wrong passwords. Wait a quarter of an hour and try again."),
                code="rate_limited",
            )
        if not self.user.check_password(password):
            privacy.DELETE_ATTEMPTS.hit(self.user.pk)
            raise forms.ValidationError(
                _("That is not your password. Your account has not been deleted."),
                code="wrong_password",
            )
        return password


@never_cache
@login_required
@require_safe
def export_data(request):
    """Explain what the export holds; with ``?download=1``, send it as a JSON file.

    A GET is fine: it only returns the signed-in member's own data, and
    ``never_cache`` keeps it out of shared caches.
    """
    if request.GET.get("download") != "1":
        return render(
            request,
            "members/privacy_export.html",
            {"extra_sections": privacy.export_section_names()},
        )
    data = privacy.build_export(user=request.user, absolute_url=request.build_absolute_uri)
    response = JsonResponse(data, json_dumps_params={"indent": 2, "ensure_ascii": False})
    response["Content-Disposition"] = content_disposition_header(
        as_attachment=True, filename=privacy.export_filename(request.user)
    )
    return response


@never_cache
@login_required
@require_http_methods(["GET", "POST"])
def delete_account(request):
    """Explain what deleting means; on POST with the right password, anonymise the account."""
    if request.method == "POST":
        form = DeleteAccountForm(request.user, request.POST)
        if form.is_valid():
            privacy.delete_account(user=request.user)
            logout(request)
            messages.success(
                request,
                gettext(
                    "Your account has been deleted. We sent a confirmation to your email "
                    "address. Thank you for having been part of 't LEF."
                ),
            )
            return redirect("home")
        status = 429 if form.rate_limited else 400
        return render(request, "members/privacy_delete.html", {"form": form}, status=status)
    form = DeleteAccountForm(request.user)
    return render(request, "members/privacy_delete.html", {"form": form})
