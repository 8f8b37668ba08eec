#!/usr/bin/env python3
"""Whole-process latency: marginote side by side with `less` and `vim -u NONE -n`.

Each program runs in the same pseudo-terminal harness (120x40, TERM=xterm-256color)
on the same file, and the script measures, from the outside, what a person waits for:

  first frame   spawn -> the last byte of the write burst that puts the file's
                first line on screen (a burst ends at a 5 ms pause)
  first PageDown  the first key after the pause below, at the start
  PageDown      key -> the last byte of the updated screen, at the start, the
                middle (reached by searching for a line there) and the end
  scroll 1 line C-e (all three scroll one line with it), same positions
  jump to an annotation  from the middle: marginote's `]` (the next
                annotation); less and vim have none, so their `n` after
                searching for a word ("Prince"), the nearest thing they have
  jump to end   G from the start
  resize        120x40 -> 100x30 (TIOCSWINSZ + SIGWINCH) -> last byte, at
                the start, the middle and the end

Each key but the first PageDown is pressed --repeat times in a run, each
press undone unmeasured before the next (PageUp, C-y, `[` or `N`, the jump
to the top, the resize back), and the run keeps their median:
sub-millisecond times vary by a tenth of a millisecond from press to press
on a shared machine.
A repeated press comes 50 ms after the last screen update, as when paging
through a text; the first PageDown comes after 1.5 s of quiet.

marginote opens the text with its annotations (the issue's workloads: 5,000
on War and Peace, 20,000 on the 50 MB text), imported before the runs with
`marginote import` from a brat file this script writes: spans of one to six
words spread evenly, as persons, quotes, organisations and places. Keys are
sent once a program has been quiet for a while after its first frame
(marginote draws again when its background suggestions arrive).

Each number is then the median of --runs runs; the table gives marginote's ratio to
less and to vim. Nothing is asserted: machines are noisy; read the numbers.

Usage (from the repository root, after `cargo build --release`):

    python3 benches/tui_latency.py                 # War and Peace, 3.3 MB
    python3 benches/tui_latency.py --big           # plus a generated 50 MB text
    python3 benches/tui_latency.py --runs 9 --json # machine-readable

Only the Python standard library is used. Each program runs on a copy of the
file in a temp folder, with HOME and the XDG folders pointing there, so nothing
is written beside the corpus or in your home.
"""

import argparse
import fcntl
import json
import os
import pty
import re
import select
import shutil
import signal
import statistics
import subprocess
import struct
import sys
import tempfile
import termios
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BOOK = os.path.join(ROOT, "..", "shared", "corpus", "big", "war-and-peace-gutenberg-2600.txt")
SIZE = (120, 40)
SETTLE = 0.05  # quiet time that ends a screen update (not counted)
IDLE = 1.5  # quiet time after the first frame before the first key
TIMEOUT = 10.0  # longest wait for anything
FIRST_FRAME_GAP = 0.005  # a pause that ends the burst holding the first text
ANSI = re.compile(rb"\x1b\[[0-9;?<>=]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(\x07|\x1b\\)|\x1b[()][A-Za-z0-9]|\x1b[=>78A-Za-z]")

# What each program needs: its command, how to go back to the top (after a
# measured jump to the end), how to quit.
# `jump`: what to type first (or nothing), the key that jumps, the key back.
NEXT_MATCH = (b"/Prince\r", b"n", b"N")
PROGRAMS = {
    "less": {"cmd": lambda f, binary: ["less", f], "top": b"g", "quit": b"q", "jump": NEXT_MATCH},
    "vim": {"cmd": lambda f, binary: ["vim", "-u", "NONE", "-n", f], "top": b"gg", "quit": b"\x1b:q!\r",
            "jump": NEXT_MATCH},
    "marginote": {"cmd": lambda f, binary: [binary, f], "top": b"gg", "quit": b"q", "jump": (b"", b"]", b"[")},
}
KEYS = {"PageDown": b"\x1b[6~", "scroll 1 line": b"\x05", "jump to end": b"G"}
# What undoes each measured key, unmeasured, before the next repeat.
BACK = {"PageDown": b"\x1b[5~", "scroll 1 line": b"\x19"}


def squeeze(b):
    return re.sub(rb"\s+", b"", b)


def set_size(fd, cols, rows):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


class Session:
    """One program in its own pseudo-terminal."""

    def __init__(self, argv, env, cwd):
        self.spawned = time.perf_counter()
        pid, fd = pty.fork()
        if pid == 0:
            os.chdir(cwd)
            try:
                os.execvpe(argv[0], argv, env)
            finally:
                os._exit(127)
        self.pid, self.fd = pid, fd
        set_size(fd, *SIZE)
        self.seen = b""

    def read_until_quiet(self, since, want=None, settle=SETTLE):
        """Read until `want` (bytes, ANSI stripped) was seen and then nothing came for
        `settle` seconds. Returns the time of the last byte minus `since`, or None."""
        last = None
        deadline = time.perf_counter() + TIMEOUT
        found = want is None
        while time.perf_counter() < deadline:
            ready, _, _ = select.select([self.fd], [], [], settle)
            if not ready:
                if found and last is not None:
                    return last - since
                continue
            try:
                chunk = os.read(self.fd, 65536)
            except OSError:
                break
            if not chunk:
                break
            last = time.perf_counter()
            self.seen += chunk
            # Compared without white space: a full-screen program may move the
            # cursor over blanks instead of writing them.
            if not found and squeeze(want) in squeeze(ANSI.sub(b"", self.seen)):
                found = True
            self.reply_to_queries(chunk)
        return None

    def reply_to_queries(self, chunk):
        # vim asks the terminal for its cursor position and background colour;
        # a real terminal answers, and so do we, so that vim does not wait.
        if b"\x1b[6n" in chunk:
            os.write(self.fd, b"\x1b[1;1R")

    def drain(self, quiet=SETTLE):
        while select.select([self.fd], [], [], quiet)[0]:
            try:
                if not os.read(self.fd, 65536):
                    return
            except OSError:
                return

    def key(self, data):
        self.drain()
        sent = time.perf_counter()
        os.write(self.fd, data)
        return self.read_until_quiet(sent)

    def resize(self, cols, rows):
        self.drain()
        sent = time.perf_counter()
        set_size(self.fd, cols, rows)
        os.kill(self.pid, signal.SIGWINCH)
        return self.read_until_quiet(sent)

    def close(self, quit_keys):
        try:
            os.write(self.fd, quit_keys)
        except OSError:
            pass
        deadline = time.perf_counter() + 3
        while time.perf_counter() < deadline:
            self.drain()
            done, _ = os.waitpid(self.pid, os.WNOHANG)
            if done:
                break
            time.sleep(0.02)
        else:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
        os.close(self.fd)


def first_visible_line(path):
    with open(path, "rb") as f:
        head = f.read(4096)
    line = head.lstrip(b"\xef\xbb\xbf").split(b"\n")[0].strip()
    return line[:30]


def middle_line(path):
    """A line near the middle of the file that occurs only once: what to search for."""
    with open(path, "rb") as f:
        data = f.read()
    at = len(data) // 2
    for line in data[at:].split(b"\n")[1:200]:
        line = line.strip()
        if len(line) > 30 and data.count(line[:30]) == 1 and line[:30].isascii():
            return line[:30].decode()
    raise SystemExit(f"no unique line near the middle of {path}")


def repeated(s, key, back, repeat):
    """The median of `repeat` presses of `key`, each undone by `back` (unmeasured)."""
    times = []
    for _ in range(repeat):
        times.append(s.key(key))
        s.key(back)
    return median(times)


def resized(s, repeat):
    """The median of `repeat` resizes to 100x30, each undone (unmeasured)."""
    times = []
    for _ in range(repeat):
        times.append(s.resize(100, 30))
        s.resize(*SIZE)
    return median(times)


def run_once(name, path, binary, env, cwd, middle, repeat):
    spec = PROGRAMS[name]
    out = {}
    # marginote reopens an article where it was left: each run starts from
    # the top, as less and vim do.
    shutil.rmtree(env["XDG_DATA_HOME"], ignore_errors=True)
    s = Session(spec["cmd"](path, binary), env, cwd)
    try:
        # The write burst that puts the first text on screen; what a program
        # draws after that (marginote's highlights, once a large file has
        # loaded behind its first frame) does not delay the text.
        out["first frame"] = s.read_until_quiet(s.spawned, first_visible_line(path), FIRST_FRAME_GAP)
        s.drain(IDLE)
        # The first press after the pause, then the median of `repeat`.
        out["first PageDown (start)"] = s.key(KEYS["PageDown"])
        s.key(BACK["PageDown"])
        for key in ("PageDown", "scroll 1 line"):
            out[f"{key} (start)"] = repeated(s, KEYS[key], BACK[key], repeat)
        out["resize (start)"] = resized(s, repeat)
        s.key(b"/" + middle.encode() + b"\r")
        if name == "marginote":
            s.key(b"\x1b")  # leave the search selection
        for key in ("PageDown", "scroll 1 line"):
            out[f"{key} (middle)"] = repeated(s, KEYS[key], BACK[key], repeat)
        out["resize (middle)"] = resized(s, repeat)
        first, jump, back = spec["jump"]
        if first:
            s.key(first)
        out["jump to annotation"] = repeated(s, jump, back, repeat)
        out["jump to end"] = repeated(s, b"G", spec["top"], repeat)
        s.key(b"G")
        # At the very end PageDown has nothing to do: go back up a screen first.
        s.key(b"\x1b[5~")
        for key in ("PageDown", "scroll 1 line"):
            out[f"{key} (end)"] = repeated(s, KEYS[key], BACK[key], repeat)
        out["resize (end)"] = resized(s, repeat)
    finally:
        s.close(spec["quit"])
    return out


def fmt(x):
    return "   —   " if x is None else f"{x * 1000:7.2f}" if x < 0.01 else f"{x * 1000:7.1f}"


def ratio(a, b):
    return "  —  " if a is None or b is None or b == 0 else f"{a / b:5.2f}"


def median(values):
    values = [v for v in values if v is not None]
    return statistics.median(values) if values else None


def annotate(path, count, binary, env):
    """`count` annotations on `path`: a brat file written here, imported by marginote."""
    with open(path, encoding="utf-8", newline="") as f:
        text = f.read()
    words = [(m.start(), m.end()) for m in re.finditer(r"\S+", text)]
    every = max(1, len(words) // count)
    kinds = ["Person", "Quote", "Organisation", "Location"]
    lines = []
    for i in range(min(count, len(words))):
        k = i * every
        start, end = words[k]
        for j in range(1, 1 + i % 6):  # one to six words, on one line
            if k + j >= len(words) or "\n" in text[end:words[k + j][0]]:
                break
            end = words[k + j][1]
        lines.append(f"T{i + 1}\t{kinds[i % 4]} {start} {end}\t{text[start:end]}")
    ann = path + ".ann"
    with open(ann, "w", encoding="utf-8") as f:
        f.write("\n".join(lines) + "\n")
    subprocess.run([binary, "import", path, ann, "--format", "brat"], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    os.remove(ann)


def bench(path, binary, runs, repeat, label, middle=None, annotations=0):
    work = tempfile.mkdtemp(prefix="mn-latency-")
    try:
        copy = os.path.join(work, os.path.basename(path))
        shutil.copyfile(path, copy)
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "TERM": "xterm-256color",
            "HOME": work,
            "XDG_DATA_HOME": os.path.join(work, "data"),
            "XDG_CONFIG_HOME": os.path.join(work, "config"),
            "LANG": "C.UTF-8",
            "LC_ALL": "C.UTF-8",
        }
        if annotations:
            annotate(copy, annotations, binary, env)
        before = set(os.listdir(work))
        middle = middle or middle_line(path)
        results = {name: [] for name in PROGRAMS}
        for _ in range(runs):
            for name in PROGRAMS:  # interleaved, so drift hits all alike
                results[name].append(run_once(name, copy, binary, env, work, middle, repeat))
        leftover = [f for f in os.listdir(work) if f not in before and f not in ("data", "config")]
        if leftover:
            print(f"note: files written beside the article: {leftover}", file=sys.stderr)
        table = {}
        for name, rows in results.items():
            table[name] = {k: median([r.get(k) for r in rows]) for k in rows[0]}
        return {"workload": label, "bytes": os.path.getsize(path), "annotations": annotations, "runs": runs,
                "repeat": repeat, "ms": table}
    finally:
        shutil.rmtree(work, ignore_errors=True)


def print_table(report):
    t = report["ms"]
    print(f"\n{report['workload']} ({report['bytes'] / 1e6:.1f} MB, {report['annotations']:,} annotations), "
          f"median of {report['runs']} runs (keys: of {report['repeat']} presses each), "
          f"{SIZE[0]}x{SIZE[1]}, milliseconds")
    print(f"{'':22} {'marginote':>9} {'less':>9} {'vim':>9}   {'÷less':>6} {'÷vim':>6}")
    for k in t["marginote"]:
        m, l, v = t["marginote"][k], t["less"][k], t["vim"][k]
        print(f"{k:22} {fmt(m):>9} {fmt(l):>9} {fmt(v):>9}   {ratio(m, l):>6} {ratio(m, v):>6}")
    base = t["less"].get("PageDown (start)")
    if base:
        print(f"(keys are to be within 1.5x of less's PageDown: {base * 1000:.2f} ms -> "
              f"{base * 1500:.2f} ms)")


def make_big(folder):
    """About 50 MB: sixteen numbered copies of the book (as benches/support does)."""
    with open(BOOK, "rb") as f:
        book = f.read()
    path = os.path.join(folder, "fifty-mb.txt")
    with open(path, "wb") as f:
        for n in range(1, 17):
            f.write(f"VOLUME {n}\r\n\r\n".encode() + book)
    return path


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--bin", default=os.path.join(ROOT, "target", "release", "marginote"))
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--repeat", type=int, default=5, help="presses of each key per run (default 5)")
    ap.add_argument("--file", default=BOOK, help="the text to open (default: War and Peace)")
    ap.add_argument("--big", action="store_true", help="also a generated 50 MB text")
    ap.add_argument("--annotations", type=int, default=5000, help="on the text (default 5,000; 0 for none)")
    ap.add_argument("--big-annotations", type=int, default=20000, help="on the 50 MB text (default 20,000)")
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    for tool in ("less", "vim"):
        if not shutil.which(tool):
            raise SystemExit(f"{tool} is not installed")
    if not os.access(args.bin, os.X_OK):
        raise SystemExit(f"{args.bin}: not built (cargo build --release)")
    reports = [bench(args.file, args.bin, args.runs, args.repeat, os.path.basename(args.file),
                     annotations=args.annotations)]
    if args.big:
        folder = tempfile.mkdtemp(prefix="mn-big-")
        try:
            # Sixteen copies: the only unique line near the middle is a heading.
            reports.append(bench(make_big(folder), args.bin, args.runs, args.repeat, "generated 50 MB", "VOLUME 9",
                                 annotations=args.big_annotations))
        finally:
            shutil.rmtree(folder, ignore_errors=True)
    if args.json:
        print(json.dumps(reports, indent=2))
    else:
        for r in reports:
            print_table(r)


if __name__ == "__main__":
    main()
