from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.shortcuts import redirect
from django.utils import translation


class ChineseFirstLocaleMiddleware(LocaleMiddleware):
    """Chinese unless the user picked another language with the switcher.

    Django's own middleware follows the browser's Accept-Language, which would
    show English to a clerk whose computer happens to be set up in English.
    """

    def process_request(self, request):
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        supported = dict(settings.LANGUAGES)
        language = chosen if chosen in supported else settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class PasswordChangeRequiredMiddleware:
    """Someone logged in with a one-time password sets their own before
    anything else; logging out and switching language stay possible."""

    # The health check answers for the machine, not a person: it must not
    # load the user (it reports the database down instead of failing on it).
    ALLOWED = {"password_change", "password_change_done", "logout", "set_language", "healthz"}

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        match = request.resolver_match
        if match is not None and match.url_name in self.ALLOWED and match.namespace == "":
            return None
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or not user.must_change_password:
            return None
        if request.path.startswith(settings.STATIC_URL):
            return None
        return redirect("password_change")
