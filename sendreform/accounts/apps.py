from django.apps import AppConfig


class Config(AppConfig):
    name = "sendreform.accounts"
    label = "accounts"

    def ready(self):
        from django.contrib.auth import signals

        from sendreform.accounts import services
        from sendreform.accounts.signals import sign_in_delayed

        # Sign-ins, failures, attempts refused while waiting and sign-outs go into the audit log.
        signals.user_logged_in.connect(services.audit_signed_in, dispatch_uid="sendreform-audit-sign-in")
        signals.user_logged_out.connect(services.audit_signed_out, dispatch_uid="sendreform-audit-sign-out")
        signals.user_login_failed.connect(services.audit_sign_in_failed, dispatch_uid="sendreform-audit-failed")
        sign_in_delayed.connect(services.audit_sign_in_delayed, dispatch_uid="sendreform-audit-delayed")
