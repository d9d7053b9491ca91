from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Stakeholders and accreditation")

    def ready(self) -> None:
        from dialogue_portal import demo, desk

        from . import demo as stakeholders_demo
        from . import desk as stakeholders_desk

        desk.register_waiting(stakeholders_desk.waiting, order=10)
        # Last: the Chairs' landing (sessions) comes first for a Chair who is also a focal point.
        desk.register_landing(applies=stakeholders_desk.lands_here, viewname="stakeholders:mine", order=90)
        demo.register(stakeholders_demo.load, order=20)
