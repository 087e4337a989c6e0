"""Time a cached rescan of a large library, end to end, interpreter start-up included.

    python benchmarks/bench_rescan.py [--dir /tmp/bench-rescan] [--files 100000]
        [--distinct 10000] [--baseline /tmp/base] [--repeat 3]

Builds (or reuses) a library of ``--files`` tiny JPEGs under ``DIR/lib``: ``--distinct``
pictures of a few colours (32x24), each as several exact byte copies, some also re-encoded
at another quality (near copies), and a few larger pictures (320x240, which are hashed from a
reduced decode) each with a same-coefficients copy with other metadata and a PNG conversion,
so the rescan exercises every digest stage. A first scan fills the cache ``DIR/cache-*.sqlite``
(kept, so a second run of the benchmark starts at once); then the cached rescan is timed as a
user runs it, ``python -m dupeviewer scan LIB --json --cache FILE -o OUT -q``, in a fresh
process. A second process runs the same command with the engine's stages timed from inside
and prints the breakdown: start-up and imports, discover, cache lookup, byte digests, pixel
digests, grouping, output. It also counts image decodes in the rescan (must be 0).

``--baseline DIR`` runs the same with the dupeviewer package found in ``DIR`` (for example
``git worktree add /tmp/base HEAD~1``) in the same run, with its own cache file.
"""

from __future__ import annotations

import argparse
import io
import json
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

PARAMS_FILE = ".bench-rescan.json"
PER_FOLDER = 1000


def _tiny(index: int, quality: int) -> bytes:
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(index)
    grid = (rng.random((3, 4, 3)) * 255).astype(np.uint8)
    image = Image.fromarray(grid).resize((32, 24), Image.Resampling.BILINEAR)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def _large(index: int) -> list[tuple[str, bytes]]:
    """A 320x240 JPEG, the same JPEG with an extra comment segment (same compressed picture,
    other bytes) and a PNG of its decoded pixels: two same-pixel twins of it."""
    import numpy as np
    from PIL import Image

    rng = np.random.default_rng(1_000_000 + index)
    grid = (rng.random((6, 8, 3)) * 255).astype(np.uint8)
    image = Image.fromarray(grid).resize((320, 240), Image.Resampling.BICUBIC)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=90)
    jpeg = out.getvalue()
    comment = b"dupeviewer bench"
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    png = io.BytesIO()
    with Image.open(io.BytesIO(jpeg)) as decoded:
        decoded.convert("RGB").save(png, "PNG")
    return [("jpg", jpeg), ("jpg", jpeg[:2] + segment + jpeg[2:]), ("png", png.getvalue())]


def _contents(files: int, distinct: int) -> list[tuple[str, bytes]]:
    """The distinct file contents; the library cycles through them until it has ``files``."""
    blobs: list[tuple[str, bytes]] = []
    for index in range(distinct):
        blobs.append(("jpg", _tiny(index, 85)))
        if index % 4 == 0:
            blobs.append(("jpg", _tiny(index, 60)))
        if index % 200 == 0:
            blobs.extend(_large(index))
    return blobs[:files]


def build_library(lib: Path, files: int, distinct: int) -> None:
    """Write the library unless one with the same parameters is already there."""
    params = {"files": files, "distinct": distinct, "version": 1}
    marker = lib / PARAMS_FILE
    if marker.exists() and json.loads(marker.read_text()) == params:
        return
    if lib.exists():
        shutil.rmtree(lib)
    lib.mkdir(parents=True)
    started = time.perf_counter()
    blobs = _contents(files, distinct)
    for number in range(files):
        ext, data = blobs[number % len(blobs)]
        folder = lib / f"d{number // PER_FOLDER:04d}"
        if number % PER_FOLDER == 0:
            folder.mkdir()
        (folder / f"f{number:06d}.{ext}").write_bytes(data)
    marker.write_text(json.dumps(params))
    print(f"built {files} files ({len(blobs)} distinct contents) in {lib} "
          f"in {time.perf_counter() - started:.1f} s", flush=True)


BOOTSTRAP = ("import sys, runpy; sys.meta_path[:] = [f for f in sys.meta_path "
             "if 'editable' not in repr(f)]; sys.path.insert(0, sys.argv.pop(1)); "
             "sys.argv[0] = 'dupeviewer'; runpy.run_module('dupeviewer', run_name='__main__')")
"""``python -m dupeviewer`` with the package of a given checkout: an editable install's
import hook would otherwise win over PYTHONPATH."""


def use_package(package_dir: str) -> None:
    sys.meta_path[:] = [f for f in sys.meta_path if "editable" not in repr(f)]
    sys.path.insert(0, package_dir)


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def timed_run(lib: Path, cache: Path, out: Path, package_dir: Path) -> tuple[float, float]:
    """Wall and CPU seconds (user + system) of one scan in a fresh process. On a machine
    shared with other work the CPU time is the steadier figure."""
    command = [sys.executable, "-c", BOOTSTRAP, str(package_dir), "scan", str(lib), "--json",
               "--cache", str(cache), "-o", str(out), "-q"]
    cpu = _children_cpu()
    started = time.perf_counter()
    subprocess.run(command, check=True)
    return time.perf_counter() - started, _children_cpu() - cpu


Phases = dict[str, tuple[float, float]]
"""Stage -> (wall seconds, CPU seconds)."""
ORDER = ["interpreter start-up", "imports", "cache open", "discover", "cache lookup",
         "accept cached rows", "byte digests", "pixel digests", "grouping",
         "result (excluding grouping)", "output (render)", "output (write) and the rest"]


def phases_run(lib: Path, cache: Path, out: Path, package_dir: Path) -> tuple[Phases, int]:
    """The instrumented run in a fresh process: its stages, and the image files it opened."""
    cpu = _children_cpu()
    started = time.perf_counter()
    done = subprocess.run([sys.executable, __file__, "--_phases", str(package_dir), str(lib),
                           str(cache), str(out)], check=True, capture_output=True, text=True)
    total = (time.perf_counter() - started, _children_cpu() - cpu)
    report = json.loads(done.stdout.strip().splitlines()[-1])
    used = done.stderr.strip().splitlines()[-1]
    if used != f"package {package_dir / 'dupeviewer'}":
        raise SystemExit(f"the instrumented run used another {used}, not {package_dir}")
    phases: Phases = {name: (wall, cpu) for name, (wall, cpu) in report["phases"].items()}
    inside = phases.pop("in process")
    phases["interpreter start-up"] = (total[0] - inside[0], total[1] - inside[1])
    phases["end to end"] = total
    return phases, int(report["opened"])


def _phases_main(package_dir: str, lib: str, cache: str, out: str) -> None:
    """Run in a fresh process: the CLI scan with the engine's stages wrapped in timers."""
    started = (time.perf_counter(), time.process_time())
    use_package(package_dir)
    import importlib

    from PIL import Image

    from dupeviewer import cli, report
    from dupeviewer.core import cache as cache_module

    scan_module = importlib.import_module("dupeviewer.core.scan")
    wall: dict[str, float] = {}
    cpu: dict[str, float] = {}

    def add(label: str, since: tuple[float, float]) -> None:
        wall[label] = wall.get(label, 0.0) + time.perf_counter() - since[0]
        cpu[label] = cpu.get(label, 0.0) + time.process_time() - since[1]

    add("imports", started)
    opened = [0]

    def timer(owner: object, name: str, label: str) -> None:
        original = getattr(owner, name, None)
        if original is None:
            return

        def wrapped(*args: object, **kwargs: object) -> object:
            begin = (time.perf_counter(), time.process_time())
            try:
                return original(*args, **kwargs)
            finally:
                add(label, begin)

        setattr(owner, name, wrapped)

    original_open = Image.open

    def counting_open(*args: object, **kwargs: object) -> object:
        opened[0] += 1
        return original_open(*args, **kwargs)  # type: ignore[arg-type]

    Image.open = counting_open  # type: ignore[assignment]
    job = scan_module._Scan
    for owner, name, label in (
            (scan_module, "discover", "discover"),
            (cache_module.Cache, "__init__", "cache open"),
            (cache_module.Cache, "lookup", "cache lookup"),
            (job, "fingerprint", "fingerprint stage"),
            (job, "byte_digests", "byte digests"),
            (job, "pixel_digests", "pixel digests"),
            (scan_module, "build_groups", "grouping"),
            (job, "result", "result"),
            (report, "to_json", "output (render)")):
        timer(owner, name, label)
    begin = (time.perf_counter(), time.process_time())
    cli.main(["scan", lib, "--json", "--cache", cache, "-o", out, "-q"])
    add("cli", begin)
    add("in process", started)
    for clock in (wall, cpu):
        clock["accept cached rows"] = (clock.pop("fingerprint stage") - clock["discover"]
                                       - clock["cache lookup"])
        clock["result (excluding grouping)"] = clock.pop("result") - clock["grouping"]
        rest = clock.pop("cli") - sum(clock.get(name, 0.0) for name in ORDER[2:-1])
        clock["output (write) and the rest"] = rest
    print(f"package {Path(cli.__file__).parent}", file=sys.stderr)
    print(json.dumps({"phases": {name: (wall[name], cpu[name]) for name in wall},
                      "opened": opened[0]}))


def measure(label: str, lib: Path, work: Path, package_dir: Path, repeat: int) -> None:
    cache = work / f"cache-{label}.sqlite"
    out = work / f"out-{label}.json"
    fill, fill_cpu = timed_run(lib, cache, out, package_dir)
    print(f"[{label}] first scan to fill the cache (or a rescan, if it was full): "
          f"{fill:.2f} s ({fill_cpu:.2f} s CPU)", flush=True)
    runs = [timed_run(lib, cache, out, package_dir) for _ in range(repeat)]
    result = json.loads(out.read_text())
    stats = result["stats"]
    print(f"[{label}] cached rescan of {stats['files']} files ({stats['images']} images, "
          f"{stats['groups']} groups, {stats['cache_hits']} cache hits), end to end: "
          f"median {statistics.median(w for w, _ in runs):.2f} s wall, "
          f"{statistics.median(c for _, c in runs):.2f} s CPU (runs, wall/CPU: "
          f"{', '.join(f'{w:.2f}/{c:.2f}' for w, c in runs)})", flush=True)
    phases, opened = phases_run(lib, cache, out, package_dir)
    end_wall, end_cpu = phases["end to end"]
    print(f"[{label}] breakdown of one instrumented run ({end_wall:.2f} s wall, {end_cpu:.2f} s "
          f"CPU end to end; {opened} image files opened):")
    print(f"    {'stage':30s} {'wall s':>8s} {'CPU s':>8s}")
    for name in ORDER:
        if name in phases:
            print(f"    {name:30s} {phases[name][0]:8.3f} {phases[name][1]:8.3f}")


def main(argv: list[str] | None = None) -> int:
    args = sys.argv[1:] if argv is None else argv
    if args and args[0] == "--_phases":
        _phases_main(*args[1:5])
        return 0
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dir", type=Path, default=Path("/tmp/bench-rescan"),
                        help="where the library and caches live (reused if present)")
    parser.add_argument("--files", type=int, default=100_000)
    parser.add_argument("--distinct", type=int, default=10_000,
                        help="distinct pictures; the rest are exact copies")
    parser.add_argument("--baseline", type=Path, default=None, metavar="DIR",
                        help="also time the dupeviewer package in DIR (a checkout)")
    parser.add_argument("--repeat", type=int, default=3)
    options = parser.parse_args(args)
    work: Path = options.dir
    lib = work / "lib"
    build_library(lib, options.files, options.distinct)
    here = Path(__file__).resolve().parent.parent
    if options.baseline is not None:
        measure("baseline", lib, work, options.baseline.resolve(), options.repeat)
    measure("current", lib, work, here, options.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
