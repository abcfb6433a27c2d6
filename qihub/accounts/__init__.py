"""Users, organisations (keyed by USCC), memberships and roles, API tokens and the audit log.
Imports ``reference`` and ``core``."""
