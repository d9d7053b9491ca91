from django.urls import path

from .views import focal, public, staff

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
