def member(request):  # placeholder, replaced by the profile work
    return {}
