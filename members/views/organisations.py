from django.http import HttpResponse


def organisation_list(request):  # placeholders, replaced by the organisations work
    return HttpResponse("organisations")


def organisation_detail(request, slug):
    return HttpResponse("organisation")
