from django.urls import path

from .views import desk, focal, public, staff

app_name = "submissions"

urlpatterns = [
    # The public page of written comments.
    path("comments/", public.comment_list, name="list"),
    path("comments/<int:pk>/", public.comment_detail, name="detail"),
    path("comments/feed/", public.feed, name="feed"),
    path("comments/feed/dialogue/<int:dialogue_pk>/", public.dialogue_feed, name="dialogue_feed"),
    path("comments/export.csv", public.export_csv, name="export"),
    path("attachments/<int:pk>/", public.attachment, name="attachment"),
    # Focal points: their organisation's comments.
    path("my/organisations/<int:organisation_pk>/comments/", focal.comments, name="my_comments"),
    path("my/organisations/<int:organisation_pk>/comments/new/", focal.comment_new, name="new"),
    path("my/organisations/<int:organisation_pk>/comments/<int:pk>/", focal.comment, name="mine"),
    path("my/organisations/<int:organisation_pk>/comments/<int:pk>/edit/", focal.comment_edit, name="edit"),
    path(
        "my/organisations/<int:organisation_pk>/comments/<int:pk>/submit/",
        focal.comment_submit,
        name="submit",
    ),
    path(
        "my/organisations/<int:organisation_pk>/comments/<int:pk>/withdraw/",
        focal.comment_withdraw,
        name="withdraw",
    ),
    # The secretariat: moderation.
    path("staff/comments/", staff.queue, name="staff_queue"),
    # The secretariat: a comment received by e-mail, recorded on the organisation's behalf.
    path("staff/comments/record/", desk.record, name="staff_record"),
    path("staff/comments/<int:pk>/", staff.comment, name="staff_comment"),
    path("staff/comments/<int:pk>/<slug:action>/", staff.comment_action, name="staff_action"),
]
