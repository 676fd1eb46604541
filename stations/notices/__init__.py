"""Notices as data: reception-day notices, change notices and generic reminders, delivered exactly once.

- ``messages``: the short texts (rendered once per reception day, in ``settings.NOTICE_LANGUAGE``);
- ``recipients``: who gets a reception day's notice, and the address of a recipient string;
- ``planner``: publishes due reception days and records notice rows in bulk (also for ``liaison.reminders``);
- ``channels``: SMS (``settings.SMS_BACKEND``), e-mail (Django's mail), in-site inbox, and the ``NOTICE_SINK``;
- ``delivery``: the claim → send → mark protocol, retries with back-off, the sweeper and its reconciliation.
"""
