"""Records a fuzzing campaign in BENCHMARKS.md: per target, from the logs scripts/fuzz leaves in
Fuzz/.runs/, the executions, the coverage the committed seeds reach and what the run reached, the
corpus, the peak memory and the findings left in Fuzz/findings/.

Run through scripts/bench/run fuzz (it runs every target first); with --record only, it writes the
section from the logs of runs already made.
"""
import datetime
import os
import re
import subprocess
import sys

from benchmarks_md import write_section

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
FUZZ = os.path.join(ROOT, "Fuzz")


def targets():
    out = subprocess.run([os.path.join(ROOT, "scripts/fuzz"), "--list"], check=True, capture_output=True, text=True).stdout
    return out.split()


def last(pattern, text, default="?"):
    found = re.findall(pattern, text, re.MULTILINE)
    return found[-1] if found else default


def row(target):
    log = open(os.path.join(FUZZ, ".runs", f"{target}.log"), errors="replace").read()
    seconds = last(r"^Done \d+ runs in (\d+) second", log)
    inited = last(r"INITED cov: (\d+) ft: (\d+)", log, ("?", "?"))
    done = last(r"DONE\s+cov: (\d+) ft: (\d+) corp: (\d+)/(\S+)", log, ("?", "?", "?", "?"))
    runs = int(last(r"^stat::number_of_executed_units: *(\d+)", log, "0"))
    rate = last(r"^stat::average_exec_per_sec: *(\d+)", log)
    rss = last(r"^stat::peak_rss_mb: *(\d+)", log)
    findings_dir = os.path.join(FUZZ, "findings", target)
    findings = sorted(name for name in os.listdir(findings_dir) if re.match(r"(crash|leak|timeout|oom|slow-unit)-", name)) \
        if os.path.isdir(findings_dir) else []
    return (f"| {target} | {seconds} | {runs:,} | {rate} | {inited[0]} → {done[0]} | {inited[1]} → {done[1]} "
            f"| {done[2]} ({done[3]}) | {rss} | {', '.join(findings) or 'none'} |")


def main():
    names = targets()
    lines = [
        f"Recorded {datetime.date.today().isoformat()} from the logs of `scripts/fuzz TARGET SECONDS`, two targets at a time under",
        "`nice -n 10` (as `scripts/bench/run fuzz` runs them), on the 2-core build machine shared with other builds. Targets are debug builds",
        "(-Onone) with libFuzzer and AddressSanitizer, which instrument meterd's modules and their dependencies.",
        "Coverage is libFuzzer's: edges (`cov`) and features (`ft`), first with the committed seeds (Fuzz/Corpus) alone,",
        "then at the end of the run. Findings are inputs left in Fuzz/findings/TARGET; see docs/fuzzing.md.",
        "",
        "| target | seconds | executions | exec/s | edges | features | corpus (bytes) | peak RSS MB | findings |",
        "|---|---:|---:|---:|---|---|---|---:|---|",
    ] + [row(name) for name in names]
    write_section("fuzzing", "## Fuzzing: every parser of outside bytes", lines)


if __name__ == "__main__":
    if sys.argv[1:] not in ([], ["--record"]):
        sys.exit("usage: fuzz-campaign.py [--record]")
    main()
