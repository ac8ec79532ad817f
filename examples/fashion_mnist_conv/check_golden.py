#!/usr/bin/env python3
"""Compare the C++ golden model's predictions with train.py's own integer simulation.

  check_golden.py TRAIN_REPORT.json GOLDEN_SUMMARY.json

TRAIN_REPORT.json is written by train.py (its numpy predictions on the whole test
set, in order); GOLDEN_SUMMARY.json by `spikeforge run NET --input RASTER
--json-summary FILE` on the full test raster from make_rasters.py. Exit status 0
when every prediction agrees, 1 otherwise (the first differing samples are listed).
Prints the golden accuracy and the agreement.
"""

import json
import sys


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    with open(sys.argv[1]) as f:
        report = json.load(f)
    with open(sys.argv[2]) as f:
        golden = json.load(f)
    py = report["test_predictions"]
    cc = golden["predictions"]
    if len(py) != len(cc):
        print(f"sample count differs: Python {len(py)}, golden {len(cc)}")
        return 1
    diff = [k for k, (a, b) in enumerate(zip(py, cc)) if a != b]
    acc = golden.get("accuracy")
    print(f"golden accuracy {100 * acc:.2f}% ({golden.get('correct')}/{golden.get('labelled')}); "
          f"Python integer simulation {100 * report['snn_test_accuracy']:.2f}%; "
          f"predictions agree on {len(py) - len(diff)}/{len(py)}")
    if diff:
        for k in diff[:10]:
            print(f"  sample {k}: Python {py[k]}, golden {cc[k]}")
        return 1
    if abs(acc - report["snn_test_accuracy"]) > 1e-12:
        print("accuracies differ although predictions agree: the raster's labels or order differ")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
