"""The demo partner service "Мелофон" (AUTH-14): a separate OpenID Connect client of ISSA.

Served under ``/melofon/`` only outside production (``ISSA_VIRTUAL_PHONE``). It talks to ISSA
only over HTTP and must never import ISSA's models or services: it is what a partner builds.
"""
