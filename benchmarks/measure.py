"""Run one command and print its wall time, CPU time and peak memory as JSON.

A fresh process per measurement: ``RUSAGE_CHILDREN`` then holds the peak
resident set of this one command (the largest of its process tree that was
waited for), and the CPU time of the processes it waited for, not of every
build the harness ran before. The clock starts
and stops around the command only, so this wrapper's own start-up is not
counted.

    python benchmarks/measure.py DIR -- hugo --quiet
"""
from __future__ import annotations

import json
import resource
import subprocess
import sys
import time

TAIL_CHARS = 2000  # of stderr, to report why a build failed


def main(argv: list[str]) -> int:
    if len(argv) < 3 or argv[1] != "--":
        print("usage: measure.py DIR -- COMMAND...", file=sys.stderr)
        return 2
    cwd, command = argv[0], argv[2:]
    started = time.perf_counter()
    result = subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    seconds = time.perf_counter() - started
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    print(json.dumps({"seconds": seconds, "peak_rss_kib": usage.ru_maxrss,  # KiB on Linux
                      "user_s": usage.ru_utime, "sys_s": usage.ru_stime, "returncode": result.returncode,
                      "stderr": result.stderr.decode("utf-8", "replace")[-TAIL_CHARS:]}))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
