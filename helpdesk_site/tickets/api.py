"""REST API for tickets: the same scope, filters and filing service as the portal."""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django_filters.rest_framework import DjangoFilterBackend
from helpdesk.models import Ticket
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from helpdesk_site.tickets import selectors, services
from helpdesk_site.tickets.filters import TicketFilter
from helpdesk_site.tickets.forms import TicketFilingForm


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
    lookup_url_kwarg = "ticket_id"
    lookup_value_regex = r"[0-9]+"

    def get_queryset(self):
        tickets, _unused = selectors.ticket_list(self.request.user)
        return tickets

    def create(self, request, *args, **kwargs):
        """File a ticket with the fields of the portal's form (subsystem by code)."""
        data = request.data.copy() if hasattr(request.data, "copy") else dict(request.data)
        form = TicketFilingForm(data, request.FILES)
        form.fields["subsystem"].to_field_name = "code"
        if not form.is_valid():
            return Response(form.errors.get_json_data(), status=status.HTTP_400_BAD_REQUEST)
        try:
            ticket = services.file_ticket(reporter=request.user, **form.cleaned_data)
        except DjangoPermissionDenied as error:
            raise PermissionDenied(str(error)) from error
        return Response(self.get_serializer(ticket).data, status=status.HTTP_201_CREATED)
