"""REST API for tickets: the same scope, filters and filing service as the portal."""

import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import QueryDict
from django.utils.http import parse_header_parameters
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from helpdesk.models import Ticket
from rest_framework import mixins, parsers, serializers, status, viewsets
from rest_framework.exceptions import ParseError, PermissionDenied, ValidationError
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response

from helpdesk_site.tickets import idempotency, selectors, services
from helpdesk_site.tickets.filters import TicketFilter
from helpdesk_site.tickets.forms import TicketFilingForm
from helpdesk_site.tickets.uploads import PartHeaderCheck


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        try:
            return super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(_("The JSON body is nested too deeply.")) from None


class MultiPartParser(parsers.MultiPartParser):
    """Refuses, rather than drops, an attachment whose name is not UTF-8."""

    def parse(self, stream, media_type=None, parser_context=None):
        boundary = parse_header_parameters(media_type or "")[1].get("boundary", "")
        if not boundary or not boundary.isascii():
            return super().parse(stream, media_type, parser_context)
        checked = PartHeaderCheck(stream, boundary.encode())
        result = super().parse(checked, media_type, parser_context)
        if checked.undecodable:
            raise ParseError(
                _("An attachment's name is not in UTF-8. Rename the file or send it as UTF-8.")
            )
        return result


def _has_surrogate(value) -> bool:
    if isinstance(value, str):
        return any("\ud800" <= char <= "\udfff" for char in value)
    if isinstance(value, dict):
        return any(_has_surrogate(k) or _has_surrogate(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_surrogate(v) for v in value)
    return False


def filing_data(data):
    """The posted fields as the filing form reads them; a JSON body must be an
    object of single values, since the form would take a list or an object
    for its text."""
    if isinstance(data, QueryDict):
        return data
    if not isinstance(data, dict):
        raise ValidationError({"non_field_errors": [_("Send the fields as a JSON object.")]})
    errors = {}
    for name, value in data.items():
        if _has_surrogate(name) or _has_surrogate(value):
            # Not echoed: a lone surrogate cannot be written out as UTF-8.
            errors["non_field_errors"] = [_("The request contains characters that are not valid.")]
        elif isinstance(value, list | dict):
            errors[name] = [_("Enter a single value, not a list or an object.")]
    if errors:
        raise ValidationError(errors)
    return data


class TicketSerializer(serializers.ModelSerializer):
    status_label = serializers.CharField(source="get_status_display", read_only=True)
    subsystem = serializers.CharField(source="details.subsystem.code", default=None)
    category = serializers.CharField(source="details.category", default=None)
    department = serializers.CharField(source="details.department.name", default=None)
    region_code = serializers.CharField(source="details.region_id", default=None)

    class Meta:
        model = Ticket
        fields = [
            "id",
            "title",
            "description",
            "status",
            "status_label",
            "priority",
            "subsystem",
            "category",
            "department",
            "region_code",
            "created",
            "modified",
        ]
        read_only_fields = fields


class TicketViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = TicketSerializer
    filter_backends = [DjangoFilterBackend]
    filterset_class = TicketFilter
    parser_classes = [JSONParser, parsers.FormParser, MultiPartParser]
    lookup_url_kwarg = "ticket_id"
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        tickets, _unused = selectors.ticket_list(self.request.user)
        return tickets

    def create(self, request, *args, **kwargs):
        """File a ticket with the fields of the portal's form (subsystem by code).

        With an Idempotency-Key header, a repeat answers the first result."""
        key = request.headers.get(idempotency.HEADER)
        if key is not None and not idempotency.valid_key(key):
            return Response(
                {idempotency.HEADER: [_("Use 1 to 100 printable ASCII characters, no spaces.")]},
                status=status.HTTP_400_BAD_REQUEST,
            )
        data = filing_data(request.data)
        # The form's own token field is for the portal; the API's key is the header.
        form = TicketFilingForm(data, request.FILES, reporter=request.user)
        form.fields["subsystem"].to_field_name = "code"
        if not form.is_valid():
            return Response(form.errors.get_json_data(), status=status.HTTP_400_BAD_REQUEST)
        fields = {k: v for k, v in form.cleaned_data.items() if k != idempotency.TOKEN_FIELD}

        def file():
            ticket = services.file_ticket(reporter=request.user, **fields)
            # Stored as it is sent, so a repeat answers the very same body.
            body = json.loads(JSONRenderer().render(self.get_serializer(ticket).data))
            return idempotency.Outcome(status.HTTP_201_CREATED, body=body)

        try:
            outcome = idempotency.once(
                user=request.user,
                key=key,
                action="api.tickets.create",
                data=data,
                files=request.FILES,
                perform=file,
            )
        except idempotency.KeyReused:
            return Response(
                {"detail": _("This Idempotency-Key was already used for a different request.")},
                status=status.HTTP_422_UNPROCESSABLE_ENTITY,
            )
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        response = Response(outcome.body, status=outcome.status)
        if outcome.replayed:
            response["Idempotent-Replayed"] = "true"
        return response
