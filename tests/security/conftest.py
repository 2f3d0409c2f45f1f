import pytest


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    """Many accounts per test; the real hasher is slow by design. Tests that
    log in through the form keep the same hasher, which is what they check."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
