from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogueSessionsConfig(AppConfig):
    name = "sessions"
    # django.contrib.sessions already owns the label "sessions".
    label = "dialogue_sessions"
    verbose_name = _("Dialogue calendar")
