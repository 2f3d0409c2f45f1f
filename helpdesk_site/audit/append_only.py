"""Records that are only ever added (a ticket's fault-handling log, a
rectification item's history): one abstract model holds the refusals, so
every such table refuses edits and deletes the same way — from the model,
its querysets and, in PostgreSQL itself, a trigger that also stops raw SQL
and cascades."""

import pgtrigger
from django.db import models


def refuse(model) -> None:
    raise PermissionError(f"{model._meta.label} is append-only: rows are never changed or deleted")


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        refuse(self.model)

    def delete(self):
        refuse(self.model)


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True
        # A subclass's Meta inherits this one (class Meta(AppendOnlyModel.Meta)).
        triggers = [
            pgtrigger.Protect(name="append_only", operation=pgtrigger.Update | pgtrigger.Delete)
        ]

    def save(self, *args, **kwargs):
        if self.pk is not None:
            refuse(type(self))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        refuse(type(self))
