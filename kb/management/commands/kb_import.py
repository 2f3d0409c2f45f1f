import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from helpdesk_site.tickets.models import Subsystem
from kb import faqs, search, term_statistics

FIELDS = {"question", "answer", "subsystem", "source"}


def parse_line(line: str, subsystems: dict[str, Subsystem]) -> dict:
    """One line of the import file as keyword arguments, or ValueError saying why not."""
    try:
        data = json.loads(line)
    except json.JSONDecodeError as error:
        raise ValueError(f"not JSON ({error.msg})") from None
    if not isinstance(data, dict):
        raise ValueError("not a JSON object")
    unknown = set(data) - FIELDS
    if unknown:
        raise ValueError(f"unknown fields: {', '.join(sorted(unknown))}")
    for name in ("question", "answer"):
        if not isinstance(data.get(name), str) or not data[name].strip():
            raise ValueError(f'"{name}" must be a non-empty string')
    if len(data["question"]) > 2000 or len(data["answer"]) > 20000:
        raise ValueError("question or answer too long")
    code = data.get("subsystem") or ""
    if not isinstance(code, str) or (code and code not in subsystems):
        raise ValueError(f"unknown subsystem {code!r}")
    source = data.get("source") or ""
    if not isinstance(source, str):
        raise ValueError('"source" must be a string')
    if any(search.clean(value) != value for value in (data["question"], data["answer"], source)):
        raise ValueError("control characters (such as NUL) in the text")
    return {
        "question": data["question"],
        "answer": data["answer"],
        "subsystem": subsystems.get(code),
        "source": source,
    }


class Command(BaseCommand):
    help = (
        "Import published FAQs from a JSON Lines file of "
        '{"question", "answer", "subsystem"?, "source"?}; the same question again updates it; '
        "a retired FAQ is reported and stays retired."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", help="path of the .jsonl file")

    def handle(self, *args, file, **options):
        path = Path(file)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {file}: {error}", returncode=2) from error
        if search.clean(text) != text:
            raise CommandError(
                f"{file} is not a text file (NUL or other control characters); nothing imported",
                returncode=2,
            )
        subsystems = {s.code: s for s in Subsystem.objects.all()}
        created = updated = 0
        bad, retired = [], []
        with term_statistics.deferred():
            for number, line in enumerate(text.splitlines(), start=1):
                if not line.strip():
                    continue
                try:
                    fields = parse_line(line, subsystems)
                except ValueError as error:
                    bad.append(number)
                    self.stderr.write(f"{path.name}:{number}: {error}")
                    continue
                try:
                    _faq, was_created = faqs.import_faq(**fields)
                except faqs.RetiredFaqError as error:
                    retired.append(number)
                    self.stderr.write(f"{path.name}:{number}: FAQ #{error.faq.pk} is retired; kept")
                    continue
                created += was_created
                updated += not was_created
        self.stdout.write(
            f"imported: {created} new, {updated} updated, "
            f"{len(retired)} retired kept retired, {len(bad)} bad lines"
        )
        if bad:
            raise CommandError(
                f"{len(bad)} lines not imported: {', '.join(map(str, bad[:20]))}", returncode=1
            )
