from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DialogueSessionsConfig(AppConfig):
    name = "sessions"
    # django.contrib.sessions already owns the label "sessions".
    label = "dialogue_sessions"
    verbose_name = _("Dialogue calendar")

    def ready(self) -> None:
        from dialogue_portal import demo, desk, roles

        from . import demo as sessions_demo
        from . import desk as sessions_desk
        from .permissions import user_is_chair

        # Chairs draft what the portal publishes under the Conference's name.
        roles.register_second_factor_role(user_is_chair)
        desk.register_landing(applies=user_is_chair, viewname="my_dialogues", order=10)
        desk.register_waiting(sessions_desk.waiting, order=20)
        desk.register_panel(
            desk.SECRETARIAT,
            template="sessions/staff/includes/desk_next_dialogues.html",
            context=sessions_desk.next_dialogues,
            order=10,
        )
        desk.register_panel(
            desk.ORGANISATIONS,
            template="sessions/focal/includes/desk_applications.html",
            context=sessions_desk.organisation_applications,
            order=10,
        )
        demo.register(sessions_demo.load, order=10)
        demo.register(sessions_demo.load_participation, order=30)
