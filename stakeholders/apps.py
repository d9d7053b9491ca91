from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class StakeholdersConfig(AppConfig):
    name = "stakeholders"
    verbose_name = _("Stakeholders and accreditation")

    def ready(self) -> None:
        from dialogue_portal import dashboard, demo

        from . import dashboard as stakeholders_dashboard
        from . import demo as stakeholders_demo

        dashboard.register_waiting(stakeholders_dashboard.waiting, order=10)
        # Last: the Chairs' landing (sessions) comes first for a Chair who is also a focal point.
        dashboard.register_landing(
            applies=stakeholders_dashboard.lands_here, viewname="stakeholders:mine", order=90
        )
        demo.register(stakeholders_demo.load, order=20)
