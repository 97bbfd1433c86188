#!/usr/bin/python3
"""Builds the benchmark table from the @@ROW / @@QUALITY lines the programs printed.

usage: report.py ROWS.tsv RESULTS_DIR TOTAL_SECONDS
Prints the table, writes RESULTS_DIR/results.md and RESULTS_DIR/results.csv.
"""
import csv
import datetime
import os
import platform
import subprocess
import sys


def machine():
    model, cores = "unknown CPU", os.cpu_count()
    try:
        out = subprocess.run(["lscpu"], capture_output=True, text=True).stdout
        for line in out.splitlines():
            key, _, value = line.partition(":")
            if key.strip() == "Model name":
                model = value.strip()
            elif key.strip() == "CPU(s)":
                cores = value.strip()
    except OSError:
        pass
    return model, cores


def torch_version():
    try:
        import torch  # Debian's python3-torch: the same LibTorch the C++ core links
        return torch.__version__
    except Exception:
        return "unknown"


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return " ".join(f.read().split()[:3])
    except OSError:
        return "?"


def commit():
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        head = subprocess.run(["git", "-C", here, "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True).stdout.strip() or "unknown"
        dirty = subprocess.run(["git", "-C", here, "status", "--porcelain", "--untracked-files=no"],
                               capture_output=True, text=True).stdout.strip()
        return head + (" (with uncommitted changes)" if dirty else "")
    except OSError:
        return "unknown"


def item_key(row):
    head = row[0].split(" ", 1)[0]
    return int(head) if head.isdigit() else 99


def main():
    rows_path, out_dir, total = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rows, quality = [], []
    with open(rows_path, encoding="utf-8", errors="replace") as f:
        for line in f:
            parts = line.rstrip("\n").split("\t")
            if parts[0] == "@@ROW":
                rows.append((parts[1:] + [""] * 6)[:6])
            elif parts[0] == "@@QUALITY":
                quality.append(parts[1:7])
    rows.sort(key=item_key)  # stable: keeps each program's order
    model, cores = machine()
    date = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    header = ["Item", "Measure", "Goal", "Measured", "Verdict", "Notes"]
    meta = (f"{date}; commit {commit()}; {model}, {cores} cores ({platform.machine()}), 2 threads; "
            f"torch {torch_version()}; OMP_WAIT_POLICY={os.environ.get('OMP_WAIT_POLICY', 'unset')}; "
            f"load average at start {os.environ.get('MOR_BENCH_LOAD_START', '?')}, at end "
            f"{load_average()} (shared machine); suite time {total // 60} min {total % 60} s")

    os.makedirs(out_dir, exist_ok=True)
    with open(os.path.join(out_dir, "results.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(["date", "machine", "cores"] + [h.lower() for h in header])
        for r in rows:
            w.writerow([date, model, cores] + r)

    def md_cell(text):
        return text.replace("|", "\\|")

    md = ["# MoR Studio benchmark results", "", meta, "",
          "Every speed figure is a ratio measured side by side in one run (median of "
          "alternated repetitions). Produced by `tests/bench/run.sh`.", "",
          "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for r in rows:
        md.append("| " + " | ".join(md_cell(c) for c in r) + " |")
    if quality:
        md += ["", "## Quality table (item 7)", "",
               "| Data | Model | Test accuracy | Parameters | Expert-steps / input | s / epoch |",
               "|---|---|---|---|---|---|"]
        for d, v, acc, params, steps, sec in quality:
            md.append(f"| {d} | {v} | {100 * float(acc):.1f}% | {int(params):,} | "
                      f"{float(steps):.2f} | {float(sec):.2f} |")
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import scaling_plot
    md += scaling_plot.build(rows_path, out_dir)
    with open(os.path.join(out_dir, "results.md"), "w", encoding="utf-8") as f:
        f.write("\n".join(md) + "\n")

    # Terminal table (notes left out; they are in the files).
    shown = [header[:5]] + [r[:5] for r in rows]
    widths = [min(60, max(len(r[i]) for r in shown)) for i in range(5)]
    print(meta)
    for n, r in enumerate(shown):
        print("  ".join(c[:widths[i]].ljust(widths[i]) for i, c in enumerate(r)))
        if n == 0:
            print("  ".join("-" * w for w in widths))
    print(f"\nwritten: {out_dir}/results.md, {out_dir}/results.csv")


if __name__ == "__main__":
    main()
