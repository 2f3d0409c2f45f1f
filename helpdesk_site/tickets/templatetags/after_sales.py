from django import template

from helpdesk_site.tickets import selectors

register = template.Library()


@register.inclusion_tag("tickets/_after_sales_links.html", takes_context=True)
def after_sales_links(context, ticket, url_name):
    """售后服务 links on a ticket's page: what it follows, what follows it;
    `url_name` is the page to link to (the portal's or helpdesk's)."""
    return {**selectors.after_sales_links(context["request"].user, ticket), "url_name": url_name}
