"""The sandbox CCB 龙存管 (docs/sandbox.md#the-sandbox-bank): the bank's behaviour (``bank``),
what it keeps (``state``), its HTTP routes and page (``routes``, ``page``), mounted in the
sandbox service (``mount``) or run as a server of its own (``server``)."""
