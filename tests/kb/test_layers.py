"""kb/ is layered one way: a module imports only from the layers below it,
also inside functions. Reads (selectors, search) never reach a module that
writes, and nothing imports back up into tasks."""

import ast
from pathlib import Path

import pytest

KB = Path(__file__).resolve().parents[2] / "kb"

# Bottom to top. Modules not named here (new ones) are not checked until
# they are placed.
LAYERS = [
    {
        "kb.segment",
        "kb.lexicon",
        "kb.ranking",
        "kb.reranking",
        "kb.clustering",
        "kb.gap_text",
        "kb.drafts",
        "kb.privacy",
    },
    {"kb.models"},
    {"kb.permissions", "kb.selectors"},
    {"kb.indexing"},
    {
        "kb.search",
        "kb.search.errors",
        "kb.search.lookup",
        "kb.search.database",
        "kb.search.elastic",
    },
    {
        "kb.faqs",
        "kb.ticket_drafts",
        "kb.ticket_text",
        "kb.term_statistics",
        "kb.feedback",
        "kb.gaps",
        "kb.services",
        "kb.candidates",
    },
    {"kb.tasks", "kb.receivers", "kb.views", "kb.forms", "kb.admin", "kb.urls", "kb.commands"},
]
LAYER = {name: rank for rank, names in enumerate(LAYERS) for name in names}
# Writes: a read layer must not import any of these.
WRITERS = LAYERS[5] | LAYERS[6]
READERS = {"kb.selectors", "kb.permissions"} | LAYERS[4]


def module_name(path: Path) -> str:
    parts = path.relative_to(KB.parent).with_suffix("").parts
    if parts[:3] == ("kb", "management", "commands"):
        return "kb.commands"
    name = ".".join(parts)
    return name.removesuffix(".__init__")


def imported(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            # "from kb import faqs" imports the module kb.faqs.
            names |= {f"{node.module}.{alias.name}" for alias in node.names}
    return {name for name in names if name in LAYER}


def modules():
    return sorted(p for p in KB.rglob("*.py") if "migrations" not in p.parts)


@pytest.mark.parametrize("path", modules(), ids=lambda p: str(p.relative_to(KB)))
def test_no_module_imports_a_layer_above_its_own(path):
    name = module_name(path)
    if name not in LAYER:
        pytest.skip(f"{name} is not placed in a layer")
    upward = {other for other in imported(path) if LAYER[other] > LAYER[name]}
    assert not upward, f"{name} imports {sorted(upward)} from above"


@pytest.mark.parametrize("name", sorted(READERS))
def test_reads_never_import_a_module_that_writes(name):
    path = next(p for p in modules() if module_name(p) == name)
    assert not imported(path) & WRITERS


def test_the_checker_sees_an_upward_import(tmp_path):
    # The rule can fail: a selector importing a service is caught.
    path = tmp_path / "selectors.py"
    path.write_text("def f():\n    from kb import services\n", encoding="utf-8")
    assert imported(path) == {"kb.services"}
