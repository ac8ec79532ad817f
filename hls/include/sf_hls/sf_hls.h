// sf_hls/sf_hls.h - every SpikeForge HLS template. Generated code includes this one header,
// declares config structs and wires layers; all arithmetic lives in the headers below.
#ifndef SF_HLS_SF_HLS_H
#define SF_HLS_SF_HLS_H

#include "types.h"
#include "pragmas.h"
#include "arith.h"
#include "stream.h"
#include "event.h"
#include "neuron_iflif.h"
#include "dense.h"
#include "conv2d.h"

#endif  // SF_HLS_SF_HLS_H
