from django.http import HttpResponse


def member_detail(request, username):  # placeholders, replaced by the profile work
    return HttpResponse("profile")


def profile_edit(request):
    return HttpResponse("edit")


def onboarding(request):
    return HttpResponse("onboarding")


def contact_member(request, username):
    return HttpResponse("contact")


def expertise_suggestions(request):
    return HttpResponse("")
