"""Include under the prefix Knocker's poller reads (`/api/v1/`):

    path("api/v1/", include("knocker_outbox.urls")),
"""

from django.urls import path

from .feed import notification_events

app_name = "knocker_outbox"
urlpatterns = [
    path("notification-events/", notification_events, name="notification-events"),
]
