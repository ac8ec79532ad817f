// sf_hls/pragmas.h - vendor directives behind macros, so templates carry no vendor syntax.
//
// Under SF_HLS_VITIS each macro becomes the Vitis HLS pragma, placed where Vitis wants it: at the
// top of the loop body (PIPELINE, UNROLL) or of the function (INLINE, DATAFLOW), or after the
// array's declaration (ARRAY_PARTITION). Arguments may name constexpr variables or template
// parameters (as hls4ml does); the preprocessor only pastes them into the pragma text.
//
// Under SF_HLS_AC (Catapult) and in plain C-simulation they expand to nothing. Catapult's
// equivalents are placed differently (before the loop, not inside it), so they cannot share these
// macros; set them as directives in the Catapult project instead:
//   PIPELINE(ii)         -> #pragma hls_pipeline_init_interval ii   (before the loop)
//   UNROLL(f)            -> #pragma hls_unroll f                    (before the loop; "yes" = full)
//   ARRAY_PARTITION(v,f) -> directive: BLOCK_SIZE / interleave on the array's memory resource
//   INLINE               -> Catapult inlines by default (#pragma hls_design block to prevent it)
//   DATAFLOW             -> hierarchical blocks with #pragma hls_design on each sub-function
#ifndef SF_HLS_PRAGMAS_H
#define SF_HLS_PRAGMAS_H

#if defined(SF_HLS_VITIS)
// _Pragma takes one string literal; stringizing the whole directive is the only portable way to
// put macro arguments into it. No spaces around '=' so the text reads "II=1" as Vitis documents.
// Macro parameters are named apart from the pragma keywords (n, not factor): the preprocessor
// would otherwise replace the keyword too ("factor=factor" -> "4=4").
#define SF_HLS_PRAGMA(text) _Pragma(#text)
#define SF_HLS_PIPELINE(ii) SF_HLS_PRAGMA(HLS pipeline II=ii)
#define SF_HLS_UNROLL(n) SF_HLS_PRAGMA(HLS unroll factor=n)
#define SF_HLS_ARRAY_PARTITION_CYCLIC(array, n) \
    SF_HLS_PRAGMA(HLS array_partition variable=array cyclic factor=n dim=1)
#define SF_HLS_INLINE SF_HLS_PRAGMA(HLS inline)
#define SF_HLS_DATAFLOW SF_HLS_PRAGMA(HLS dataflow)
// Loop labels name the loops in Vitis reports; elsewhere they would only be unused labels
// (-Wunused-label under -Wall).
#define SF_HLS_LOOP_LABEL(name) name:
#else
#define SF_HLS_LOOP_LABEL(name)
#define SF_HLS_PIPELINE(ii)
#define SF_HLS_UNROLL(n)
#define SF_HLS_ARRAY_PARTITION_CYCLIC(array, n)
#define SF_HLS_INLINE
#define SF_HLS_DATAFLOW
#endif

#endif  // SF_HLS_PRAGMAS_H
