# Points Apprise's Discord plugin at the bench's local Discord mock: Apprise builds
# https://discord.com/api/webhooks/<id>/<token> itself, and nothing here may reach discord.com.
# This is the bench's only change to Apprise; it is loaded (through PYTHONPATH) only by the
# apprise processes the bench starts.
import os

_base = os.environ.get('KNOCKER_BENCH_DISCORD_BASE')
if _base:
    try:
        from apprise.plugins.discord import NotifyDiscord  # Apprise 1.7 and later
    except ImportError:
        from apprise.plugins.NotifyDiscord import NotifyDiscord  # Apprise 1.6 and earlier
    NotifyDiscord.notify_url = _base + '/api/webhooks'
