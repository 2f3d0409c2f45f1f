"""Where the real evaluation text lives: ../shared/data/eval beside the
checkout (a git worktree sits one level deeper). Benchmarks and tests read it
there; it is never copied into the repository."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def eval_file(name: str) -> Path:
    """The file `name` of ../shared/data/eval (where it would be if absent)."""
    places = [folder / "shared" / "data" / "eval" / name for folder in ROOT.parents]
    return next((place for place in places if place.exists()), places[0])
