#!/usr/bin/env python3
"""Write Fashion-MNIST images as a spikeforge-raster v1 batch file (with labels).

Encoding (identical to the one train.py trains on, fmnist_conv_lib.encode_images):
the full 28x28 image, every pixel quantized to a 4-bit unsigned payload
q = round(p * 15 / 255) (0..15); input index i = 28*y + x (C order of the
network's input shape [1, 28, 28]); every nonzero pixel sends the event
[t, i, q] at every timestep t = 0..T-1 (zero pixels send nothing).

Examples:
  # the whole 10,000-image test set (default), for `spikeforge run`
  /usr/bin/python3 examples/fashion_mnist_conv/make_rasters.py --out /tmp/fmnist_conv_test.raster.json
  # the first 8 test images (the shipped samples.raster.json)
  /usr/bin/python3 examples/fashion_mnist_conv/make_rasters.py --first 0 --count 8 \
      --out examples/fashion_mnist_conv/samples.raster.json
"""

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import fmnist_conv_lib as fl  # noqa: E402


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["train", "test"], default="test")
    ap.add_argument("--first", type=int, default=0, help="index of the first image (default 0)")
    ap.add_argument("--count", type=int, default=None,
                    help="number of images (default: all from --first to the end of the split)")
    ap.add_argument("--timesteps", type=int, default=None,
                    help="timesteps per sample (default: the network's, or 8)")
    ap.add_argument("--network", default=None,
                    help="take the timesteps from this network JSON (and check its input)")
    ap.add_argument("--data-dir", default=fl.DEFAULT_DATA_DIR)
    ap.add_argument("--out", required=True)
    args = ap.parse_args()

    T = 8
    if args.network:
        net = fl.load_network(args.network)
        T = int(net["timesteps"])
        inp = net["input"]
        if list(inp.get("shape", [])) != [1, fl.SIDE, fl.SIDE] or int(inp.get("payload_bits", 1)) < fl.PAYLOAD_BITS:
            sys.exit(f"{args.network}: expected input shape [1, 28, 28] with >= {fl.PAYLOAD_BITS}-bit payloads")
    if args.timesteps is not None:
        T = args.timesteps
    if T < 1:
        sys.exit("--timesteps must be >= 1")

    images, labels = fl.load_split(args.split, args.data_dir)
    n = len(labels)
    first = args.first
    count = n - first if args.count is None else args.count
    if first < 0 or count < 1 or first + count > n:
        sys.exit(f"--first {first} --count {count}: out of range for the {args.split} split ({n} images)")
    q = fl.encode_images(images[first:first + count])
    y = labels[first:first + count]
    out_dir = os.path.dirname(os.path.abspath(args.out))
    os.makedirs(out_dir, exist_ok=True)
    fl.write_raster_batch(args.out, q, y, T)
    events = int((q > 0).sum()) * T
    print(f"wrote {args.out}: {count} {args.split} images [{first}, {first + count}), "
          f"{T} timesteps, {events} events")


if __name__ == "__main__":
    main()
