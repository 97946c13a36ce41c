"""Signals of sign-in beside Django's own (`user_logged_in`, `user_login_failed` for a wrong password,
`user_logged_out`): `sign_in_delayed` is sent when an attempt is refused unchecked because the username or
the client address must wait after repeated failures. Receivers get `request`, `username` (as typed) and
`until`; they run outside the sign-in's own transaction, so what they write is kept."""

from django.dispatch import Signal

sign_in_delayed = Signal()
