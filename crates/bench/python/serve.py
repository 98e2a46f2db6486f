"""Times the notebook workloads for the Rust harness, in one long-lived process.

    python serve.py                 # protocol: one workload name per line on stdin,
                                    # one JSON line per run on stdout; a line
                                    # `config {...}` first sets the workloads' sizes
                                    # and hyperparameters (from course.toml)
    python serve.py --once NAME [--runs N]   # standalone: N runs, prints the median

Each run is timed with `time.perf_counter` around the workload function alone, so neither
the interpreter's start-up nor importing numpy is counted; the harness alternates rounds
between this process and its own timings.
"""

import json
import statistics
import sys
import time

import numpy as np

import lesson1
import lesson2

WORKLOADS = {**lesson1.WORKLOADS, **lesson2.WORKLOADS}


def course():
    """Workload 7: every experiment of both lessons, as the runner runs them."""
    return lesson1.course() + lesson2.lesson2_course()


WORKLOADS["course"] = course


def time_one(name):
    fn = WORKLOADS[name]
    setup = getattr(fn, "setup", None)
    if setup is not None:
        setup()
    start = time.perf_counter()
    result = fn()
    seconds = time.perf_counter() - start
    return {"workload": name, "seconds": seconds, "result": result}


def serve():
    hello = {"ready": True, "numpy": np.__version__, "python": sys.version.split()[0]}
    print(json.dumps(hello), flush=True)
    for line in sys.stdin:
        name = line.strip()
        if not name:
            continue
        if name == "quit":
            break
        if name.startswith("config "):
            try:
                settings = json.loads(name[len("config "):])
                lesson1.configure(settings)
                lesson2.configure(settings)
                reply = {"configured": True}
            except Exception as e:  # report, keep serving
                reply = {"error": f"{type(e).__name__}: {e}"}
            print(json.dumps(reply), flush=True)
            continue
        try:
            reply = time_one(name)
        except Exception as e:  # report, keep serving
            reply = {"workload": name, "error": f"{type(e).__name__}: {e}"}
        print(json.dumps(reply), flush=True)


def once(name, runs):
    time_one(name)  # warm-up
    times = [time_one(name)["seconds"] for _ in range(runs)]
    print(json.dumps({"workload": name, "median_seconds": statistics.median(times), "runs": runs}))


if __name__ == "__main__":
    args = sys.argv[1:]
    if args[:1] == ["--once"]:
        runs = int(args[3]) if args[2:3] == ["--runs"] else 5
        once(args[1], runs)
    else:
        serve()
