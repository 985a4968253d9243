"""Throughput and latency of POST /assess on the running service, under concurrent clients.

Starts ``sscmm serve`` on a free port over a temporary data directory (or targets a
server already running, ``--url``), then ``--clients`` threads (default 8), each with its
own HTTP connection, post city graphs to /assess for ``--seconds``: the example cities and
``--synthetic`` full-scale synthetic cities (bench/synthetic.py), round robin. Prints the
throughput, p50/p95/max latency (all requests and per kind of city) and the error count.

    .venv/bin/python bench/serve.py [--clients 8] [--seconds 20] [--synthetic 2] [--url URL]
"""

from __future__ import annotations

import argparse
import itertools
import os
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))

from assess import ms, percentile  # noqa: E402
from synthetic import synthetic_city_turtle  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]


def _free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def start_server(data_dir, *args):
    """``sscmm serve`` (with args) on a free port; returns (url, process) once /health answers."""
    port = _free_port()
    exe = Path(sys.executable).with_name("sscmm")
    process = subprocess.Popen([str(exe), "serve", "--port", str(port), "--data-dir", str(data_dir), *args],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=os.environ.copy())
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            sys.exit(f"sscmm serve exited with {process.returncode}")
        try:
            requests.get(url + "/health", timeout=2).raise_for_status()
            return url, process
        except requests.ConnectionError:
            time.sleep(0.1)
    process.kill()
    sys.exit("sscmm serve did not answer /health within 90 s")


def bodies(synthetic):
    """(kind, name, Turtle bytes) of every example city and of the synthetic cities."""
    out = [("example", p.name, p.read_bytes()) for p in sorted((ROOT / "data" / "examples").glob("*.ttl"))]
    out += [("synthetic", f"city-{i:04d}", synthetic_city_turtle(i).encode("utf-8")) for i in range(synthetic)]
    return out


def run(url, cities, clients, seconds):
    """Post round robin from `clients` threads until the time is up; (kind, seconds, ok) each."""
    samples, lock = [], threading.Lock()
    order = itertools.cycle(range(len(cities)))
    stop_at = time.monotonic() + seconds

    def client():
        session = requests.Session()
        while time.monotonic() < stop_at:
            with lock:
                kind, _name, body = cities[next(order)]
            started = time.perf_counter()
            try:
                response = session.post(url + "/assess", data=body, headers={"Content-Type": "text/turtle"},
                                        timeout=120)
                ok = response.status_code == 200 and response.json()["overall_level"] is not None
            except (requests.RequestException, ValueError):
                ok = False
            with lock:
                samples.append((kind, time.perf_counter() - started, ok))

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples, time.perf_counter() - started


def report(samples, elapsed, clients):
    errors = sum(1 for _, _, ok in samples if not ok)
    print(f"{len(samples)} requests from {clients} clients in {elapsed:.1f} s: "
          f"{len(samples) / elapsed:.1f} requests/s, {errors} error(s)")
    groups = defaultdict(list)
    for kind, seconds, _ok in samples:
        groups["all"].append(seconds)
        groups[kind].append(seconds)
    print(f"  {'latency (ms)':<18} {'n':>6} {'p50':>9} {'p95':>9} {'max':>9}")
    for kind in ("all", "example", "synthetic"):
        values = groups.get(kind)
        if values:
            print(f"  {kind:<18} {len(values):>6} {ms(percentile(values, 50)):>9} {ms(percentile(values, 95)):>9} "
                  f"{ms(max(values)):>9}")
    return errors


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running service (default: start one over a temporary data directory)")
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--synthetic", type=int, default=2, help="synthetic cities in the mix (default 2)")
    args = parser.parse_args(argv)
    cities = bodies(args.synthetic)
    print(f"{len(cities)} cities: {sum(1 for c in cities if c[0] == 'example')} examples, {args.synthetic} synthetic "
          f"({', '.join(f'{len(b) // 1024} KiB' for k, _, b in cities if k == 'synthetic')})")
    with tempfile.TemporaryDirectory(prefix="sscmm-bench-") as data_dir:
        url, process = (args.url, None) if args.url else start_server(data_dir)
        try:
            for _kind, name, body in cities:  # warm up: every city once, and check they are assessed
                response = requests.post(url + "/assess", data=body, headers={"Content-Type": "text/turtle"},
                                         timeout=120)
                if response.status_code != 200:
                    sys.exit(f"{name}: {response.status_code} {response.text[:300]}")
            samples, elapsed = run(url, cities, args.clients, args.seconds)
        finally:
            if process is not None:
                process.terminate()
                process.wait(timeout=30)
    return 1 if report(samples, elapsed, args.clients) else 0


if __name__ == "__main__":
    sys.exit(main())
