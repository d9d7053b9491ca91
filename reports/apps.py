from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    # With the Chair's summaries (the next issue), ready() registers the desk's count of
    # summaries in review: dialogue_portal.desk.register_waiting(reports.desk.waiting, order=40).
