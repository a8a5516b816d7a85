"""Writes a benchmark's figures into its own section of BENCHMARKS.md, between markers, so a rerun
replaces only that section."""
import os

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def write_section(name, heading, lines):
    """Replaces the section marked `<!-- bench:NAME -->`, or appends it under `heading` (Markdown)."""
    target = os.path.join(ROOT, "BENCHMARKS.md")
    begin, end = f"<!-- bench:{name} -->", f"<!-- /bench:{name} -->"
    text = open(target).read() if os.path.exists(target) else "# Benchmarks\n"
    block = begin + "\n" + "\n".join(lines) + "\n" + end
    if begin in text:
        text = text[:text.index(begin)] + block + text[text.index(end) + len(end):]
    else:
        text = text.rstrip("\n") + "\n\n" + heading + "\n\n" + block + "\n"
    with open(target, "w") as file:
        file.write(text)
