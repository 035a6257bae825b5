"""Adding, editing, hiding, reporting and downloading results (included by knowledge.urls)."""

urlpatterns = []
