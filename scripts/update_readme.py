"""Regenerate the README sections and the per-code pages that come from code, so docs cannot
drift from it.

    python scripts/update_readme.py          # rewrite README.md and docs/codes/*.md
    python scripts/update_readme.py --check  # exit 1 if any of them is out of date (CI, tests)
"""

from __future__ import annotations

import io
import re
import sys
from contextlib import redirect_stdout
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = ROOT / "README.md"


def sections() -> dict[str, str]:
    from reviewer.codedocs import codes_table
    from reviewer.strategies import docs_table as strategies_table

    out = {"codes": codes_table(), "strategies": strategies_table(), "demo": demo_output()}
    comment = ROOT / "docs" / "inline-comment.md"
    if comment.exists():
        body = comment.read_text(encoding="utf-8").rstrip("\n")
        out["comment"] = (
            "The inline review comment, exactly as posted in a test run "
            "(`scripts/capture_readme_artifacts.py`):\n\n"
            + "\n".join(f"> {line}".rstrip() for line in body.splitlines())
        )
    summary = ROOT / "docs" / "job-summary.md"
    if summary.exists():
        out["summary"] = (
            "<details><summary>The job summary of the same run (real output)</summary>\n\n"
            + summary.read_text(encoding="utf-8").rstrip("\n")
            + "\n\n</details>"
        )
    return out


def demo_output() -> str:
    """`reviewer demo`, run for real; only the throwaway directory's random name is fixed."""
    from reviewer.demo import run_demo

    buf = io.StringIO()
    with redirect_stdout(buf):
        code = run_demo()
    if code != 0:
        raise SystemExit(f"reviewer demo failed:\n{buf.getvalue()}")
    text = re.sub(r"masking-reviewer-demo-[A-Za-z0-9_]+", "masking-reviewer-demo-XXXX",
                  buf.getvalue())
    text = re.sub(r"/\S*/masking-reviewer-demo-XXXX", "/tmp/masking-reviewer-demo-XXXX",  # noqa: S108
                  text)
    return (
        "<details><summary>What <code>reviewer demo</code> prints (real output)</summary>\n\n"
        "```console\n$ reviewer demo\n" + text.rstrip("\n") + "\n```\n\n</details>"
    )


def render(text: str, parts: dict[str, str]) -> str:
    for name, body in parts.items():
        pattern = re.compile(rf"(<!-- {name}:start -->\n).*?(<!-- {name}:end -->)", re.S)
        text = pattern.sub(lambda m, b=body: m.group(1) + b + "\n" + m.group(2), text)
    return text


def generated() -> dict[Path, str]:
    """Every generated file and its content: README.md and the per-code pages."""
    from reviewer.codedocs import pages

    text = README.read_text(encoding="utf-8")
    out = {README: render(text, sections())}
    out.update({ROOT / rel: body for rel, body in pages().items()})
    return out


def main(argv: list[str]) -> int:
    from reviewer.codedocs import DOCS_DIR

    files = generated()
    if "--check" in argv:
        stale = [p for p, body in files.items()
                 if not p.exists() or p.read_text(encoding="utf-8") != body]
        for p in stale:
            print(f"{p.relative_to(ROOT)} is out of date: run python scripts/update_readme.py",
                  file=sys.stderr)
        extra = sorted(set((ROOT / DOCS_DIR).glob("*.md")) - set(files))
        for p in extra:
            print(f"{p.relative_to(ROOT)} documents no current code: remove it", file=sys.stderr)
        return 1 if stale or extra else 0
    for p, body in files.items():
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(body, encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    raise SystemExit(main(sys.argv[1:]))
