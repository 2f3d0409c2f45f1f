from django.contrib.auth.forms import PasswordResetForm
from django.template import loader

from helpdesk_site.outbox import services as outbox


class OutboxPasswordResetForm(PasswordResetForm):
    """Django's reset form, its e-mail sent through the outbox (retried when
    the mail server is away) rather than during the request."""

    def send_mail(
        self,
        subject_template_name,
        email_template_name,
        context,
        from_email,
        to_email,
        html_email_template_name=None,
    ):
        subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
        body = loader.render_to_string(email_template_name, context)
        outbox.enqueue(
            outbox.mail(
                f"people.password_reset:{context['uid']}:{context['token']}",
                subject=subject,
                body=body,
                to=[to_email],
                summary=f"password reset → {to_email}",
            )
        )
