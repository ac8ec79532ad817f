#!/usr/bin/env python3
"""csv_to_raster.py TRACE.csv OUT.json: column 0 of a NIR paper trace (the
binary input, one row per step) as a spikeforge-raster v1 with one input."""
import json
import sys

rows = [line.split(",") for line in open(sys.argv[1]) if line.strip() and not line.startswith("#")]
events = [[t, 0] for t, r in enumerate(rows) if float(r[0]) != 0.0]
with open(sys.argv[2], "w") as out:
    json.dump({"format": "spikeforge-raster", "version": 1, "timesteps": len(rows), "size": 1,
               "events": events}, out)
    out.write("\n")
