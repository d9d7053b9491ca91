from django.urls import path

from .views import chair, focal, public, staff
from .views.staff import chair_accounts, recording

urlpatterns = [
    path("", public.home, name="home"),
    path("dialogues/<int:pk>/", public.dialogue_detail, name="dialogue_detail"),
    path("dialogues/<int:pk>/calendar.ics", public.dialogue_ics, name="dialogue_ics"),
    path("dialogues/upcoming.ics", public.upcoming_ics, name="upcoming_ics"),
    # Focal points: applications and requests for the floor.
    path("dialogues/apply/", focal.apply, name="apply"),
    path("my/organisations/<int:organisation_pk>/applications/", focal.applications, name="my_applications"),
    path(
        "my/organisations/<int:organisation_pk>/applications/<int:pk>/",
        focal.application,
        name="my_application",
    ),
    path(
        "my/organisations/<int:organisation_pk>/applications/<int:pk>/withdraw/",
        focal.application_withdraw,
        name="my_application_withdraw",
    ),
    path(
        "my/organisations/<int:organisation_pk>/applications/<int:pk>/floor/",
        focal.floor_request,
        name="my_floor_request",
    ),
    path(
        "my/organisations/<int:organisation_pk>/interventions/<int:pk>/withdraw/",
        focal.floor_withdraw,
        name="my_floor_withdraw",
    ),
    # The Chairs: the dialogues they chair.
    path("my/dialogues/", chair.my_dialogues, name="my_dialogues"),
    path("chair-invitations/<str:token>/", chair.chair_invitation, name="chair_invitation"),
    # The secretariat (the speakers' list also for the dialogue's Chairs).
    path("staff/calendar/", staff.calendar, name="staff_calendar"),
    path("staff/dialogues/<int:pk>/", staff.dialogue, name="staff_dialogue"),
    path("staff/dialogues/<int:pk>/agenda/<int:item_pk>/move/", staff.agenda_move, name="staff_agenda_move"),
    path("staff/dialogues/<int:pk>/applications/", staff.applications, name="staff_applications"),
    path(
        "staff/dialogues/<int:pk>/applications/<int:registration_pk>/",
        staff.application,
        name="staff_application",
    ),
    path(
        "staff/dialogues/<int:pk>/applications/<int:registration_pk>/<slug:action>/",
        staff.application_action,
        name="staff_application_action",
    ),
    path("staff/dialogues/<int:pk>/attendance/", staff.attendance, name="staff_attendance"),
    path("staff/dialogues/<int:pk>/figures/", staff.figures, name="staff_figures"),
    path("staff/dialogues/<int:pk>/speakers/", staff.speakers, name="staff_speakers"),
    path(
        "staff/dialogues/<int:pk>/speakers/<int:intervention_pk>/<slug:action>/",
        staff.speaker_action,
        name="staff_speaker_action",
    ),
    path("staff/dialogues/<int:pk>/<slug:action>/", staff.dialogue_action, name="staff_dialogue_action"),
]

# Recording what happened, after the fact (sessions/views/staff/recording.py): under a
# prefix of their own, never taken for one of the lifecycle's actions above.
urlpatterns += [
    path("staff/record/sessions/new/", recording.session_new, name="staff_session_new"),
    path("staff/record/dialogues/new/", recording.dialogue_record, name="staff_dialogue_record"),
    path("staff/record/sign-in-sheet.csv", recording.import_template, name="staff_import_template"),
    path("staff/record/dialogues/<int:pk>/", recording.recording, name="staff_dialogue_recording"),
    path(
        "staff/record/dialogues/<int:pk>/held/",
        recording.dialogue_record_as_held,
        name="staff_record_as_held",
    ),
    path("staff/record/dialogues/<int:pk>/chairs/", recording.chairs, name="staff_dialogue_chairs"),
    path(
        "staff/record/dialogues/<int:pk>/chairs/<int:chair_pk>/remove/",
        recording.chair_remove,
        name="staff_dialogue_chair_remove",
    ),
    path(
        "staff/record/dialogues/<int:pk>/chairs/<int:chair_pk>/link/",
        chair_accounts.chair_link,
        name="staff_dialogue_chair_link",
    ),
    path(
        "staff/record/dialogues/<int:pk>/chairs/<int:chair_pk>/unlink/",
        chair_accounts.chair_unlink,
        name="staff_dialogue_chair_unlink",
    ),
    path(
        "staff/record/dialogues/<int:pk>/chairs/<int:chair_pk>/invite/",
        chair_accounts.chair_invite,
        name="staff_dialogue_chair_invite",
    ),
    path(
        "staff/record/dialogues/<int:pk>/application/",
        recording.application_record,
        name="staff_record_application",
    ),
    path(
        "staff/record/dialogues/<int:pk>/applications/<int:registration_pk>/decision/",
        recording.decision_record,
        name="staff_record_decision",
    ),
    path("staff/record/dialogues/<int:pk>/import/", recording.import_upload, name="staff_import"),
    path(
        "staff/record/dialogues/<int:pk>/import/confirm/",
        recording.import_confirm,
        name="staff_import_confirm",
    ),
]
