"""A filtered, paged list as the site's list pages show one: a django-filter
FilterSet reads the query string, Django's Paginator pages what it leaves.

    listing = lists.filtered_page(request, QuestionFilter, questions, per_page=20)
    render(..., {"form": listing.form, "page": listing.page, "query": listing.query},
           status=listing.status)

Filters that are not understood (a choice that does not exist, a department
outside the user's) answer an empty list with status 400 and the form's
errors, rather than the unfiltered list.
"""

from dataclasses import dataclass

from django import forms
from django.core.paginator import Page, Paginator


@dataclass(frozen=True)
class FilteredPage:
    form: forms.Form
    page: Page
    # The filters as a query string without the page number, for the page links.
    query: str
    status: int


def filtered_page(request, filterset_class, queryset, *, per_page: int, **filterset_kwargs):
    filterset = filterset_class(
        request.GET or None, queryset=queryset, request=request, **filterset_kwargs
    )
    if filterset.is_bound and not filterset.is_valid():
        items, status = queryset.none(), 400
    else:
        items, status = filterset.qs, 200
    query = request.GET.copy()
    query.pop("page", None)
    return FilteredPage(
        form=filterset.form,
        page=Paginator(items, per_page).get_page(request.GET.get("page")),
        query=query.urlencode(),
        status=status,
    )
