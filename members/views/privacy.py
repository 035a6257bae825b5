from django.http import HttpResponse


def export_data(request):  # placeholders, replaced by the privacy work
    return HttpResponse("export")


def delete_account(request):
    return HttpResponse("delete")
