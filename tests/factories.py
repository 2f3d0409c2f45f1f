import base64
import functools
import io
import zipfile

import factory
from helpdesk.models import Ticket

from helpdesk_site.people.models import Department, Role, User
from helpdesk_site.regions.codes import SHIPPED_DIVISIONS, ancestor_codes, level_of, read_divisions
from helpdesk_site.regions.models import Region
from helpdesk_site.tickets import services
from helpdesk_site.tickets.models import Category, Subsystem

PASSWORD = "correct horse battery"
# A real 1×1 PNG, for uploads that must pass the content check.
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="
)

PPTX_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
    'package/2006/content-types"><Override PartName="/ppt/presentation.xml" ContentType="'
    'application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml"/>'
    "</Types>"
)


def pptx_slides() -> bytes:
    """A presentation laid out as PowerPoint writes one: the thumbnail
    (stored, not compressed) comes before the slides, beyond the first few
    kilobytes of the file."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as out:
        out.writestr("[Content_Types].xml", PPTX_CONTENT_TYPES)
        out.writestr("_rels/.rels", "<Relationships/>")
        out.writestr("docProps/thumbnail.jpeg", bytes(range(256)) * 64)
        out.writestr("ppt/presentation.xml", "<p:presentation/>")
        out.writestr("ppt/slides/slide1.xml", "<p:sld/>")
    return buffer.getvalue()


@functools.cache
def _shipped_names() -> dict[str, str]:
    return {d.code: d.name for d in read_divisions(SHIPPED_DIVISIONS)}


def region(code: str, name: str = "") -> Region:
    """The region with this code, and its ancestors, named as in the shipped list.

    Counties come from a migration, but a transactional test's flush removes
    them, so anything missing is made here."""
    level = level_of(code)
    parent = None
    for ancestor in ancestor_codes(code, level):
        parent = Region.objects.get_or_create(
            code=ancestor,
            defaults={
                "name": _shipped_names().get(ancestor, ancestor),
                "level": level_of(ancestor),
                "parent": parent,
            },
        )[0]
    return Region.objects.get_or_create(
        code=code,
        defaults={
            "name": name or _shipped_names().get(code, code),
            "level": level,
            "parent": parent,
        },
    )[0]


def supervisor(code: str, **fields) -> User:
    """A supervisor (主管人员) of the region with this code, in no department."""
    return UserFactory(
        role=Role.SUPERVISOR, department=None, supervised_region=region(code), **fields
    )


class DepartmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Department

    name = factory.Sequence(lambda n: f"测试部门{n}")
    region = factory.LazyFunction(lambda: region("513301"))


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.invalid")
    role = Role.REPORTER
    department = factory.SubFactory(DepartmentFactory)
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def save_password(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class OperatorFactory(UserFactory):
    role = Role.OPERATOR
    department = None

    @factory.post_generation
    def subsystems(obj, create, extracted, **kwargs):
        if create:
            services.ensure_subsystems()
            services.grant_subsystems(obj, extracted or Subsystem.objects.all())


def get_subsystem(code: str) -> Subsystem:
    """A shipped subsystem; made again if a transactional test's flush removed it."""
    services.ensure_subsystems()
    return Subsystem.objects.get(code=code)


def file_ticket(reporter, subsystem="e_license", **overrides) -> Ticket:
    fields = {
        "subsystem": get_subsystem(subsystem),
        "category": Category.FAULT,
        "priority": 3,
        "title": "电子证照无法制作",
        "description": "制作营业执照电子证照时页面一直转圈。",
        "contact_phone": "0836-2812345",
    }
    fields.update(overrides)
    return services.file_ticket(reporter=reporter, **fields)
