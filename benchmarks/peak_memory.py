"""A benchmark process's own peak resident memory.

Linux carries a process's peak RSS across ``fork`` and ``exec``: ``ru_maxrss`` of a child started
from a pytest process that grew to 650 MB (after the in-process benchmarks of a whole ``make
bench``) starts at 650 MB, whatever the child does. The kernel's high-water mark of the child's
own memory since its program started (``VmHWM`` in ``/proc/self/status``) is not carried over:
the benchmarks read that (``tests/hostile.py`` avoids the same trap with a small launcher).
"""

from __future__ import annotations

import resource


def peak_rss_mb() -> float:
    """The peak resident memory of this process's program, in MB (``VmHWM``; where there is no
    ``/proc``, ``ru_maxrss``, which Linux reports in KiB)."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
