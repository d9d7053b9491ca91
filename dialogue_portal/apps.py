from django.apps import AppConfig
from django.db.models.signals import post_migrate


class DialoguePortalConfig(AppConfig):
    name = "dialogue_portal"
    verbose_name = "Dialogue Portal"

    def ready(self) -> None:
        from . import mail  # noqa: F401 - connects the delivery of queued e-mail after commit
        from .roles import sync_secretariat_group

        # After every migrate, so the group also covers models that later issues add.
        post_migrate.connect(sync_secretariat_group, dispatch_uid="sync_secretariat_group")
