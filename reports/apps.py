from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"

    # With the Chair's summaries (the next issue), ready() registers the dashboard's count of
    # summaries in review: dialogue_portal.dashboard.register_waiting(reports.dashboard.waiting, order=40).
