"""The fault-handling log's append-only triggers on SQLite (the embedded
default), the counterpart of django-pgtrigger's Protect on PostgreSQL."""

TABLE = "sla_handlinglogentry"
MESSAGE = "the fault-handling log is append-only"
TRIGGERS = {
    f"{TABLE}_no_update": "UPDATE",
    f"{TABLE}_no_delete": "DELETE",
}


def install(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name, operation in TRIGGERS.items():
            cursor.execute(
                f"CREATE TRIGGER IF NOT EXISTS {name} BEFORE {operation} ON {TABLE} "
                f"BEGIN SELECT RAISE(ABORT, '{MESSAGE}'); END"
            )


def drop(connection) -> None:
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        for name in TRIGGERS:
            cursor.execute(f"DROP TRIGGER IF EXISTS {name}")
