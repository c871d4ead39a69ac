"""servicekit: customer service by the numbers, as pure embeddable Python.

The core (``sla``, ``routing``, ``scoring``, ``acceptance``) does no I/O and reads no
clock: "now" is always a parameter. The shared vocabulary lives here.

Examples:
    >>> import servicekit
    >>> servicekit.Priority.URGENT > servicekit.Priority.LOW
    True
"""

from servicekit._vocabulary import Channel, Priority, Tier

__all__ = ["Channel", "Priority", "Tier", "__version__"]

__version__ = "0.1.0"
