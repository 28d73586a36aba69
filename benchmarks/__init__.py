"""RackStudio benchmarks (`make bench`, or `python -m benchmarks [NAME ...]`).

Each `bench_*` module measures one figure group of the issue "Scale: a 1,000-rack AI hall stays
interactive", prints it with the machine it ran on, and appends one JSON line per figure group to
benchmarks/results/results.jsonl. `python -m benchmarks` runs them one process each (fresh memory,
fresh Qt) and prints the table of figures, targets and results that BENCHMARKS.md records.
"""
