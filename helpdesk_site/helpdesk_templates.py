"""django-helpdesk's templates as they come, with the English they print
outside {% translate %} marked for translation on load, and a few of the
site's choices: the 处理人 lists from the scope module, 撤销 for
administrators only, 我的工单 as the tickets assigned to the operator.

helpdesk 2.6.1 writes a few labels straight into its templates; copying each
template to change one word would fork it. The loader swaps those exact
snippets when it reads a template from helpdesk's own folder, and raises if
a snippet is no longer there (an upgrade changed the template; a test loads
every one listed). The Chinese is in helpdesk_site/helpdesk_locale.
"""

from pathlib import Path

import helpdesk
from django.core.exceptions import ImproperlyConfigured
from django.template.loaders.app_directories import Loader as AppDirectoriesLoader

HELPDESK_TEMPLATES = Path(helpdesk.__file__).parent / "templates"

LISTING = (
    "{% blocktranslate count n=%(list)s|length %}Listing {{ n }} ticket."
    "{% plural %}Listing {{ n }} tickets.{% endblocktranslate %}"
)

# DataTables in Chinese (static/servicedesk/datatables-zh.js), loaded
# right after DataTables itself.
DATATABLES = (
    "<script src=\"{% static 'helpdesk/vendor/datatables/js/dataTables.min.js' %}\"></script>"
)
DATATABLES_ZH = "<script src=\"{% static 'servicedesk/datatables-zh.js' %}\"></script>"

# template name: [(helpdesk's snippet, the same with its English translatable)]
UNTRANSLATED = {
    "helpdesk/dashboard.html": [
        ('<a href="#">Dashboard</a>', '<a href="#">{% translate "Dashboard" %}</a>'),
    ],
    "helpdesk/include/tickets.html": [
        (
            "Listing {{ ticket_list|length }} ticket(s).",
            LISTING.replace("%(list)s", "ticket_list"),
        ),
    ],
    "helpdesk/include/unassigned.html": [
        # The dashboard's one-click delete of unassigned tickets goes.
        (
            "<a href='{% url 'helpdesk:delete' ticket.id %}?next=dashboard'>"
            "<button class='btn btn-danger btn-sm'><i class=\"fas fa-trash\"></i>&nbsp;"
            '{% translate "Delete" %}</button></a>',
            "",
        ),
        (
            "Listing {{ unassigned_tickets|length }} ticket(s).",
            LISTING.replace("%(list)s", "unassigned_tickets"),
        ),
        (
            "Listing {{ kbitem.unassigned_tickets|length }} ticket(s).",
            LISTING.replace("%(list)s", "kbitem.unassigned_tickets"),
        ),
    ],
    "helpdesk/user_settings.html": [
        (
            'active">\n    Change User Settings',
            'active">\n    {% translate "Change User Settings" %}',
        ),
    ],
    "helpdesk/followup_edit.html": [
        (">Public:<", '>{% translate "Public" %}<'),
        (
            "<p>Public tickets are viewable by the submitter and all staff, but non-public tickets"
            " can only be seen by staff.</p>",
            '<p>{% translate "Public tickets are viewable by the submitter and all staff, but'
            ' non-public tickets can only be seen by staff." %}</p>',
        ),
        (">New Status:<", '>{% translate "New Status" %}<'),
        (
            "<p>If the status was changed, what was it changed to?</p>",
            '<p>{% translate "If the status was changed, what was it changed to?" %}</p>',
        ),
        (">Time spent:<", '>{% translate "Time spent" %}<'),
        ('value="Submit"', 'value="{% translate "Submit" %}"'),
    ],
    # The 处理人 lists offer only the operators of the ticket's queue (scope.assignable_users).
    "helpdesk/ticket_desc_table.html": [
        # 暂停 asks what the ticket waits for (tickets/_hold_dialog.html), then
        # pauses the clocks through the SLA service (staff_views.hold).
        (
            """<form class="d-inline ticket-hold" method="post" action="hold/">
                {% csrf_token %}
                <button class="dropdown-item" type="submit">
                  <i class="fa-regular fa-circle-pause me-2"></i> {% translate "Hold" %}
                </button>
              </form>""",
            """<a class="dropdown-item" id="hold-action" href="{% url 'helpdesk:hold' ticket.id %}"
                 data-bs-toggle="modal" data-bs-target="#hold-dialog">
                <i class="fa-regular fa-circle-pause me-2"></i> {% translate "Hold" %}
              </a>""",
        ),
        # 恢复 asks why the clocks run again (tickets/_resume_dialog.html),
        # then resumes them through the SLA service (staff_views.unhold).
        (
            """<form class="d-inline ticket-hold" method="post" action="unhold/">
                {% csrf_token %}
                <button class="dropdown-item" type="submit">
                  <i class="fa-regular fa-circle-right me-1"></i> {% translate "Unhold" %}
                </button>
              </form>""",
            """<a class="dropdown-item" id="resume-action"
                 href="{% url 'helpdesk:unhold' ticket.id %}"
                 data-bs-toggle="modal" data-bs-target="#resume-dialog">
                <i class="fa-regular fa-circle-right me-1"></i> {% translate "Unhold" %}
              </a>""",
        ),
        (
            "{% for user in assignable_users %}",
            "{% load assignees %}{% for user in ticket|assignees %}",
        ),
        # The page also comes back at the update URL after a refused update
        # (staff_views.ticket_page_again): its links name the ticket's page.
        ('href="?close"', "href=\"{% url 'helpdesk:view' ticket.id %}?close\""),
        ('href="?take"', "href=\"{% url 'helpdesk:view' ticket.id %}?take\""),
        ("href='?subscribe'", "href='{% url 'helpdesk:view' ticket.id %}?subscribe'"),
        # Withdrawing (helpdesk's "delete") is for administrators.
        (
            """<li>
            <a href="{% url 'helpdesk:delete' ticket.id %}" class="dropdown-item link-danger">
              <i class="fa-regular fa-trash-can me-2"></i>{% translate "Delete" %}
            </a>
          </li>""",
            """{% if user.is_superuser %}<li>
            <a href="{% url 'helpdesk:delete' ticket.id %}" class="dropdown-item link-danger">
              <i class="fa-regular fa-trash-can me-2"></i>{% translate "Withdraw" %}
            </a>
          </li>{% endif %}""",
        ),
    ],
    "helpdesk/include/ticket_respond_form.html": [
        (
            "{% for u in assignable_users %}",
            "{% load assignees %}{% for u in ticket|assignees %}",
        ),
        # A refused update comes back with what was typed and chosen
        # (staff_views.ticket_page_again: request.workbench_draft).
        ("{{ xform.comment }}", "{{ request.workbench_draft.comment }}"),
        (
            "                   {% if ticket.status == status_choice.0 %}checked{% endif %} />",
            "                   {% if request.workbench_draft %}"
            '{% if request.workbench_draft.new_status == status_choice.0|stringformat:"d" %}'
            "checked{% endif %}"
            "{% elif ticket.status == status_choice.0 %}checked{% endif %} />",
        ),
        (
            'id="id_public" switch checked />',
            'id="id_public" switch'
            " {% if not request.workbench_draft or request.workbench_draft.public %}checked"
            "{% endif %} />",
        ),
        # Files chosen through the site's label, not the browser's English
        # button (tickets/_file_picker.html); one input takes several files.
        (
            """<label class="form-label" for="file0">{% translate "Browse..." %}</label>
                <input class="form-control" type="file" name="attachment" id="file0" multiple />""",
            """<span class="form-label d-block">{% translate "Attach File(s)" %}</span>
                {% include "tickets/_file_picker.html" with """
            """picker_name="attachment" picker_id="file0" picker_multiple=True %}""",
        ),
        (
            """<button class="add_file_field_button btn btn-link btn-sm"
                    type="button">{% translate "Add Another File" %}</button>""",
            "",
        ),
        # A fault or emergency is resolved or closed here with its root cause
        # and fix (tickets/_respond_root_cause.html; staff_views.update_ticket).
        (
            "      </fieldset>\n      {# Public update checkbox #}",
            "      </fieldset>\n      {% load workbench %}{% respond_root_cause %}\n"
            "      {# Public update checkbox #}",
        ),
    ],
    # History lines stored in any earlier wording read in today's (tickets.history).
    "helpdesk/include/ticket_followup_list.html": [
        (
            "{% load i18n humanize ticket_to_link followup_permissions %}",
            "{% load i18n humanize ticket_to_link followup_permissions ticket_history %}",
        ),
        (
            "{{ followup.title|escape|num_to_link }}",
            "{{ followup|followup_title|escape|num_to_link }}",
        ),
        (
            "{% blocktranslate with change.field as field and change.old_value as old_value"
            " and change.new_value as new_value %}",
            "{% blocktranslate with field=change|change_field old_value=change|change_old"
            " new_value=change|change_new %}",
        ),
    ],
    "helpdesk/ticket_list.html": [
        (DATATABLES, DATATABLES + DATATABLES_ZH),
        ('text: "Columns"', 'text: "{% translate "Columns" %}"'),
        ("{% block h1_title %}Tickets", '{% block h1_title %}{% translate "Tickets" %}'),
        (
            "{% for u in assignable_users %}",
            "{% load assignees %}{% for u in request.user|bulk_assignees %}",
        ),
        (
            "<option value='assign_{{ u.id }}'>{{ u.get_username }}</option>",
            "<option value='assign_{{ u.id }}'>{{ u }}</option>",
        ),
    ],
    "helpdesk/kanban.html": [
        (
            "{{ ticket.assigned_to.get_username|title }}",
            "{{ ticket.assigned_to }}",
        ),
    ],
    # An operator's 我的工单 are the tickets assigned to them (helpdesk's
    # "my tickets" lists the ones they filed, which for staff is none).
    "helpdesk/navigation-sidebar.html": [
        (
            """{% if helpdesk_settings.HELPDESK_SHOW_MY_TICKETS_IN_NAV_FOR_STAFF %}
      <li class="nav-item{% if "my-tickets" in request.path %} active{% endif %}">
        <a class="nav-link" href="{% url 'helpdesk:my-tickets' %}">""",
            """{% if helpdesk_settings.HELPDESK_SHOW_MY_TICKETS_IN_NAV_FOR_STAFF %}
      <li class="nav-item">
        <a class="nav-link" href="{% url 'helpdesk:list' %}?show=mine">""",
        ),
    ],
    "helpdesk/help_context.html": [
        (">Django templating system</a>", '>{% translate "Django templating system" %}</a>'),
    ],
    # The user is named in full, family name first (王运维), not by a given name.
    "helpdesk/navigation-header.html": [
        ("{{ user.first_name|default:user.get_username|title }}", "{{ user }}"),
    ],
    "helpdesk/my_tickets.html": [(DATATABLES, DATATABLES + DATATABLES_ZH)],
    "helpdesk/public_change_language.html": [
        (" ({{ language.code }})", ""),
        ('value="Go"', 'value="{% translate "Change the display language" %}"'),
    ],
    "helpdesk/include/task_form_row.html": [
        ('title="Drag & Drop"', 'title="{% translate "Drag to reorder" %}"'),
    ],
    "helpdesk/include/template_task_form_row.html": [
        ('title="Drag & Drop"', 'title="{% translate "Drag to reorder" %}"'),
    ],
}
# Templates above that do not load i18n themselves.
NEEDS_I18N = {
    "helpdesk/include/task_form_row.html",
    "helpdesk/include/template_task_form_row.html",
}


def translatable(template_name: str, source: str) -> str:
    """helpdesk's template source with its loose English marked for translation."""
    for snippet, replacement in UNTRANSLATED.get(template_name, ()):
        if snippet not in source:
            raise ImproperlyConfigured(
                f"{template_name} no longer contains {snippet!r}: "
                "update helpdesk_site/helpdesk_templates.py for this django-helpdesk"
            )
        source = source.replace(snippet, replacement)
    if template_name in NEEDS_I18N:
        source = "{% load i18n %}" + source
    return source


class Loader(AppDirectoriesLoader):
    def get_contents(self, origin):
        contents = super().get_contents(origin)
        if Path(origin.name).is_relative_to(HELPDESK_TEMPLATES):
            contents = translatable(origin.template_name, contents)
        return contents
