from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = _("Written comments")

    def ready(self):
        from dialogue_portal import dashboard, demo

        from . import dashboard as submissions_dashboard
        from . import demo as submissions_demo
        from .public_version import reinstall_after_migrate

        post_migrate.connect(reinstall_after_migrate, sender=self, dispatch_uid="submissions_public_version")
        dashboard.register_waiting(submissions_dashboard.waiting, order=30)
        dashboard.register_panel(
            dashboard.ORGANISATIONS,
            template="submissions/focal/includes/dashboard_comments.html",
            context=submissions_dashboard.organisation_comments,
            order=20,
        )
        demo.register(submissions_demo.load, order=40)
