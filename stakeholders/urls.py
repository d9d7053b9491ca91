from django.urls import path

from .views import desk, focal, public, staff

app_name = "stakeholders"

urlpatterns = [
    # The public directory of admitted organisations.
    path("organisations/", public.directory, name="directory"),
    # Focal points: their own organisations.
    path("organisations/register/", focal.register, name="register"),
    path("organisations/<int:pk>/join/", focal.join, name="join"),
    path("invitations/<str:token>/", focal.invitation_accept, name="invitation_accept"),
    path("my/organisations/", focal.my_organisations, name="mine"),
    path("my/organisations/<int:pk>/", focal.manage, name="manage"),
    path("my/organisations/<int:pk>/edit/", focal.edit, name="edit"),
    path(
        "my/organisations/<int:pk>/representatives/add/", focal.representative_add, name="representative_add"
    ),
    path(
        "my/organisations/<int:pk>/representatives/<int:representative_pk>/edit/",
        focal.representative_edit,
        name="representative_edit",
    ),
    path(
        "my/organisations/<int:pk>/representatives/<int:representative_pk>/remove/",
        focal.representative_remove,
        name="representative_remove",
    ),
    path(
        "my/organisations/<int:pk>/accreditation/request/",
        focal.accreditation_request,
        name="accreditation_request",
    ),
    path(
        "my/organisations/<int:pk>/accreditation/resubmit/",
        focal.accreditation_resubmit,
        name="accreditation_resubmit",
    ),
    path(
        "my/organisations/<int:pk>/accreditation/withdraw/",
        focal.accreditation_withdraw,
        name="accreditation_withdraw",
    ),
    path(
        "my/organisations/<int:pk>/join-requests/<int:request_pk>/decide/",
        focal.join_request_decide,
        name="join_request_decide",
    ),
    path("my/organisations/<int:pk>/invite/", focal.invite, name="invite"),
    path("my/organisations/<int:pk>/leave/", focal.leave, name="leave"),
    # The secretariat.
    path("staff/accreditations/", staff.queue, name="staff_queue"),
    path("staff/accreditations/<int:pk>/", staff.accreditation_detail, name="staff_accreditation"),
    path(
        "staff/accreditations/<int:pk>/<slug:action>/",
        staff.accreditation_action,
        name="staff_accreditation_action",
    ),
    path("staff/circulation-lists/", staff.circulation_lists, name="staff_circulation_lists"),
    # The secretariat's desk: acting on an organisation's behalf.
    path("staff/organisations/", desk.organisations, name="staff_organisations"),
    path("staff/organisations/register/", desk.register, name="staff_organisation_register"),
    path("staff/organisations/<int:pk>/", desk.organisation, name="staff_organisation"),
    path("staff/organisations/<int:pk>/edit/", desk.edit, name="staff_organisation_edit"),
    path("staff/organisations/<int:pk>/invite/", desk.invite, name="staff_organisation_invite"),
    path(
        "staff/organisations/<int:pk>/representatives/add/",
        desk.representative_add,
        name="staff_representative_add",
    ),
    path(
        "staff/organisations/<int:pk>/accreditation/record/",
        desk.accreditation_record,
        name="staff_accreditation_record",
    ),
    path(
        "staff/organisations/<int:pk>/accreditation/decision/",
        desk.accreditation_decision,
        name="staff_accreditation_decision",
    ),
    path("staff/circulation-lists/<int:pk>/", staff.circulation_list_detail, name="staff_circulation_list"),
    path(
        "staff/circulation-lists/<int:pk>/csv/", staff.circulation_list_csv, name="staff_circulation_list_csv"
    ),
    path(
        "staff/circulation-lists/<int:pk>/pdf/", staff.circulation_list_pdf, name="staff_circulation_list_pdf"
    ),
]
