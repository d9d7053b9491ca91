from allauth.account.decorators import secure_admin_login
from django.contrib import admin
from django.urls import include, path

from . import views

# The admin signs in through allauth, so its login also asks for the second factor.
admin.autodiscover()
admin.site.login = secure_admin_login(admin.site.login)

urlpatterns = [
    path("healthz", views.healthz, name="healthz"),
    path("start/", views.landing, name="landing"),
    path("staff/", views.staff_dashboard, name="staff_dashboard"),
    path("favicon.ico", views.favicon, name="favicon"),
    path("admin/", admin.site.urls),
    path("accounts/", include("allauth.urls")),
    # Django's own switch (django.conf.urls.i18n), which also stores a signed-in user's choice.
    path("i18n/setlang/", views.set_language, name="set_language"),
    path("", include("stakeholders.urls")),
    path("", include("submissions.urls")),
    path("", include("sessions.urls")),
    path("", include("reports.urls")),
]
