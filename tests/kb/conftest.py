import pytest
from django.core.management import call_command


@pytest.fixture(autouse=True)
def _database_backend(settings):
    """Tests run on the database backend even where ELASTICSEARCH_URL is set
    (their data is never committed, so it never reaches Elasticsearch); the
    Elasticsearch tests switch over themselves."""
    settings.KB_SEARCH_BACKEND = "db"


@pytest.fixture(autouse=True)
def _fresh_term_statistics():
    """Ranking statistics are cached per process; each test starts clean."""
    from kb.search import database

    database.forget_stats()
    yield
    database.forget_stats()


@pytest.fixture
def demo_faqs(db):
    """The demo knowledge base, published; returns {key: Faq}."""
    from kb.models import Faq

    call_command("kb_seed_demo", verbosity=0)
    return {faq.source.removeprefix("demo:"): faq for faq in Faq.objects.all()}
