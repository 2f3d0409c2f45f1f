"""What the search backends raise, apart from the package that chooses them."""


class SearchUnavailable(Exception):
    """The configured external search engine did not answer."""
