"""What the world gazetteer costs: places and names, build time, cache load time, memory.

    python benchmarks/gazetteer.py

Prints figures; docs/gazetteer.md quotes them. Builds into a temporary cache folder, so the
first load is a real build from the packaged data and the second a read of the cache.
"""

from __future__ import annotations

import os
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def rss_mb() -> float:
    with open("/proc/self/statm") as fh:
        return int(fh.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6


def main() -> int:
    with tempfile.TemporaryDirectory() as cache:
        os.environ["XDG_CACHE_HOME"] = cache
        from tracker.gazetteer import world

        before = rss_mb()
        t = time.perf_counter()
        built = world.build_world()
        build_s = time.perf_counter() - t
        world.load_world()  # writes the cache
        path = world._cache_path()
        size = path.stat().st_size / 1e6
        del built
        world.load_world.cache_clear()
        import gc

        gc.collect()
        t = time.perf_counter()
        w = world.load_world()
        load_s = time.perf_counter() - t
        after = rss_mb()
        t = time.perf_counter()
        n = 0
        for name in ("Khan Younis", "El Fasher", "Бахмут", "Aleppo", "Rafah", "Goma") * 1000:
            n += w.resolve(name).place is not None
        lookup_us = (time.perf_counter() - t) / 6000 * 1e6
    levels = {}
    for row in w.rows:
        levels[row[2]] = levels.get(row[2], 0) + 1
    print(f"places: {len(w):,} ({', '.join(f'{v:,} {k}' for k, v in sorted(levels.items()))})")
    print(f"names indexed: {len(w.names):,}")
    print(f"build from the packaged data: {build_s:.1f} s")
    print(f"disk cache: {size:.1f} MB; load from the cache: {load_s:.2f} s")
    print(f"resident memory with the gazetteer loaded: +{after - before:.0f} MB")
    print(
        f"peak resident memory of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e3:.0f} MB"
    )
    print(f"one resolve: {lookup_us:.1f} µs")
    return 0


if __name__ == "__main__":
    sys.exit(main())
