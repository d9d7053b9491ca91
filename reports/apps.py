from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Chair's summaries")

    def ready(self) -> None:
        from dialogue_portal import dashboard, demo

        from . import dashboard as reports_dashboard
        from . import demo as reports_demo

        dashboard.register_waiting(reports_dashboard.waiting, order=40)
        # After the comments (40): the summary's sources are in place when it loads.
        demo.register(reports_demo.load, order=50)
