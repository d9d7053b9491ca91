from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class SubmissionsConfig(AppConfig):
    name = "submissions"
    verbose_name = _("Written comments")

    def ready(self):
        from dialogue_portal import demo, desk

        from . import demo as submissions_demo
        from . import desk as submissions_desk
        from .public_version import reinstall_after_migrate

        post_migrate.connect(reinstall_after_migrate, sender=self, dispatch_uid="submissions_public_version")
        desk.register_waiting(submissions_desk.waiting, order=30)
        desk.register_panel(
            desk.ORGANISATIONS,
            template="submissions/focal/includes/desk_comments.html",
            context=submissions_desk.organisation_comments,
            order=20,
        )
        demo.register(submissions_demo.load, order=40)
