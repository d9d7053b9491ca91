from django.urls import path

from .views import documents, documents_desk, editor, pdf, revisions, staff

app_name = "reports"

urlpatterns = [
    path("dialogues/<int:pk>/summary/", editor.summary, name="summary"),
    path("dialogues/<int:pk>/summary/preview/", editor.preview, name="summary_preview"),
    path("dialogues/<int:pk>/summary/from-data/", editor.from_data, name="summary_from_data"),
    path("dialogues/<int:pk>/summary/symbol/", editor.symbol, name="summary_symbol"),
    path("dialogues/<int:pk>/summary/pdf/", pdf.summary_pdf, name="summary_pdf"),
    path("dialogues/<int:pk>/summary/pdf/generate/", documents_desk.generate, name="summary_generate"),
    path(
        "dialogues/<int:pk>/summary/documents/<int:document>/",
        documents_desk.status,
        name="summary_document_status",
    ),
    path(
        "dialogues/<int:pk>/summary/documents/<int:document>/pdf/",
        documents_desk.download,
        name="summary_document_pdf",
    ),
    path("dialogues/<int:pk>/summary/revisions/", revisions.revision_list, name="summary_revisions"),
    path("dialogues/<int:pk>/summary/revisions/compare/", revisions.compare, name="summary_compare"),
    path(
        "dialogues/<int:pk>/summary/revisions/<int:number>/",
        revisions.revision_detail,
        name="summary_revision",
    ),
    path(
        "dialogues/<int:pk>/summary/revisions/<int:number>/pdf/",
        pdf.summary_revision_pdf,
        name="summary_revision_pdf",
    ),
    path(
        "dialogues/<int:pk>/summary/revisions/<int:number>/restore/",
        revisions.restore,
        name="summary_restore",
    ),
    path("dialogues/<int:pk>/summary/<slug:action>/", editor.summary_action, name="summary_action"),
    path("staff/summaries/", staff.summaries, name="staff_summaries"),
    # --- The public documents page (reports/views/documents.py) ---
    # A slug is the base symbol with its slashes made hyphens; it keeps the symbol's dots
    # (CTOC-COP-WG.6-2022-CRP.2), which <slug:> would refuse. The feed comes first.
    path("documents/", documents.document_list, name="documents"),
    path("documents/feed/", documents.feed, name="documents_feed"),
    path("documents/<str:slug>/", documents.document_latest, name="document_latest"),
    path("documents/<str:slug>/<int:correction>/", documents.document_revision, name="document_revision"),
    # --- end of the public documents page ---
]
