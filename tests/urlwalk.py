"""Every named URL of the site, for tests that visit them all."""

from django.urls import URLPattern, URLResolver, get_resolver


def walk(patterns=None, prefix="", namespace=""):
    """(namespaced name, parameter names, route) of every named URL."""
    if patterns is None:
        patterns = get_resolver().url_patterns
    for entry in patterns:
        if isinstance(entry, URLResolver):
            ns = entry.namespace or ""
            yield from walk(
                entry.url_patterns,
                prefix + str(entry.pattern),
                f"{namespace}{ns}:" if ns else namespace,
            )
        elif isinstance(entry, URLPattern) and entry.name:
            pattern = entry.pattern
            params = set(getattr(pattern, "converters", {}) or {})
            params |= set(pattern.regex.groupindex)
            yield f"{namespace}{entry.name}", params, prefix + str(pattern)
