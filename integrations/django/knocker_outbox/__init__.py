"""Knocker's outbox for Django: store flipfix.notification/v1 events in the same transaction
as the change that caused them, then serve them as a feed or push them to Knocker.

    from knocker_outbox.outbox import emit
"""

__version__ = "0.1.0"
