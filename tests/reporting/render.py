"""Test-side rendering of a Word report: LibreOffice to PDF, pdftoppm to PNG.

Used by the tests, and by hand to refresh the page shown in docs/reports.md:

    python -m tests.reporting.render REPORT.docx OUT_DIR
"""

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path


def render_pages(docx: Path, out_dir: Path, dpi: int = 80) -> list[Path]:
    """PNG files of the document's pages, in order."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        # A private profile: a second LibreOffice would otherwise refuse to start.
        subprocess.run(
            [
                shutil.which("soffice"),
                f"-env:UserInstallation=file://{profile}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                str(docx),
            ],
            check=True,
            capture_output=True,
            timeout=180,
        )
    pdf = out_dir / (docx.stem + ".pdf")
    subprocess.run(
        [shutil.which("pdftoppm"), "-r", str(dpi), "-png", str(pdf), str(out_dir / docx.stem)],
        check=True,
        timeout=120,
    )
    return sorted(out_dir.glob(f"{docx.stem}-*.png"))


if __name__ == "__main__":
    for page in render_pages(Path(sys.argv[1]), Path(sys.argv[2])):
        print(page)
