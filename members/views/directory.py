from django.http import HttpResponse


def member_list(request):  # placeholder, replaced by the directory work
    return HttpResponse("directory")
