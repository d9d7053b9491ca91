from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogueSessionsConfig(AppConfig):
    name = "sessions"
    # django.contrib.sessions already owns the label "sessions".
    label = "dialogue_sessions"
    verbose_name = _("Dialogue calendar")

    def ready(self) -> None:
        from dialogue_portal import dashboard, demo, roles

        from . import dashboard as sessions_dashboard
        from . import demo as sessions_demo
        from .permissions import user_is_chair

        # Chairs draft what the portal publishes under the Conference's name.
        roles.register_second_factor_role(user_is_chair)
        dashboard.register_landing(applies=user_is_chair, viewname="my_dialogues", order=10)
        dashboard.register_waiting(sessions_dashboard.waiting, order=20)
        dashboard.register_panel(
            dashboard.SECRETARIAT,
            template="sessions/staff/includes/dashboard_next_dialogues.html",
            context=sessions_dashboard.next_dialogues,
            order=10,
        )
        dashboard.register_panel(
            dashboard.ORGANISATIONS,
            template="sessions/focal/includes/dashboard_applications.html",
            context=sessions_dashboard.organisation_applications,
            order=10,
        )
        demo.register(sessions_demo.load, order=10)
        demo.register(sessions_demo.load_participation, order=30)
