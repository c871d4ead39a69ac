"""Structured messages: a stable code plus typed parameters, rendered per locale.

Every sentence servicekit writes for a person (why a ticket went to whom, why an
agent was left out, why a response needs a follow-up call) is a [`Message`][]: data
first, text on demand. ``str(message)`` is English; ``message.render("zh-CN")`` is
Simplified Chinese, worded as our users' plans word it (see the glossary); its JSON
form carries the code and the parameters, so a CRM can show it in its own language.
The catalogs are GNU gettext files in this package (``locale/``), kept with Babel's
``pybabel``; Chinese numbers, dates and durations come from Babel's CLDR data,
imported only when Chinese text is asked for.

Examples:
    >>> import datetime as dt
    >>> from servicekit.messages import Message, render
    >>> m = Message.of("routing.idle", idle=dt.timedelta(hours=1, minutes=30))
    >>> str(m)
    'last received a ticket 1 h 30 min ago'
    >>> m.render("zh-CN")
    '上次接到工单在1小时30分钟前'
    >>> m.to_dict()
    {'code': 'routing.idle', 'params': {'idle': 'PT1H30M'}}
"""

from servicekit.messages._catalog import CODES, MessageSpec
from servicekit.messages._message import Message
from servicekit.messages._render import LOCALES, render, resolve_locale

__all__ = ["CODES", "LOCALES", "Message", "MessageSpec", "render", "resolve_locale"]
