/* Runs a model with run-time dimensions, compiled once by
 * `dlc MODEL.onnx -o libm.so`, through the dynamic C ABI of its generated
 * header, with no dlc code involved: the harness the test-suite uses to run
 * one shared library at several input shapes.
 *
 *   cc -DDLC_HEADER='"libm.h"' -DDLC_ENTRY=main_graph -I DIR \
 *      c_runner_dyn.c libm.so -o runner
 *   runner IN_0.bin:D0xD1x... ... OUT_0.bin ... OUT_m.bin
 *
 * Each input is the raw row-major data of one tensor in its header dtype
 * (numpy's tofile) followed by its shape; the output shapes come from
 * <entry>_output_shapes, the workspace is one malloc of
 * <entry>_workspace_size(shapes) bytes. The entry point reports each
 * output's shape again: the same, or, for an output whose extents depend
 * on the data (NonZero, NonMaxSuppression), extents within the bounds it
 * was allocated for; the output file holds the reported shape's elements.
 * Prints each output's reported shape. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include DLC_HEADER

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define TENSORS CAT(DLC_ENTRY, _tensors)
#define WORKSPACE_SIZE CAT(DLC_ENTRY, _workspace_size)
#define OUTPUT_SHAPES CAT(DLC_ENTRY, _output_shapes)
#define MAX_TENSORS (sizeof TENSORS / sizeof TENSORS[0])
#define MAX_RANK (sizeof TENSORS[0].shape / sizeof TENSORS[0].shape[0])

/* Bytes per element of a header dtype ("f32", "i64", "bool", ...). */
static size_t elem_size(const char *dtype) {
  if (!strcmp(dtype, "bool") || strstr(dtype, "8")) return 1;
  if (strstr(dtype, "16")) return 2;
  if (strstr(dtype, "64")) return 8;
  return 4;
}

static size_t numel(const int64_t *shape, int rank) {
  size_t n = 1;
  for (int d = 0; d < rank; d++) n *= (size_t)shape[d];
  return n;
}

/* "file:2x16x768" -> the file name (NUL-terminated in place) and the shape;
 * static dimensions must match the header's. */
static int parse_input(char *arg, int k, int64_t *shape) {
  char *colon = strrchr(arg, ':');
  if (!colon) {
    fprintf(stderr, "runner: input '%s' needs a shape (FILE:D0xD1x...)\n", arg);
    return -1;
  }
  *colon = '\0';
  char *p = colon + 1;
  for (int d = 0; d < TENSORS[k].rank; d++) {
    char *end;
    long long v = strtoll(p, &end, 10);
    if (end == p || v < 0 || (TENSORS[k].shape[d] >= 0 && v != TENSORS[k].shape[d])) {
      fprintf(stderr, "runner: bad shape for input '%s' at dimension %d\n", TENSORS[k].name, d);
      return -1;
    }
    shape[d] = v;
    p = end;
    if (d + 1 < TENSORS[k].rank) {
      if (*p != 'x') {
        fprintf(stderr, "runner: input '%s' needs %d dimensions\n", TENSORS[k].name,
                TENSORS[k].rank);
        return -1;
      }
      p++;
    }
  }
  if (*p) {
    fprintf(stderr, "runner: trailing text in the shape of input '%s'\n", TENSORS[k].name);
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  const int count = (int)MAX_TENSORS;
  if (argc != count + 1) {
    fprintf(stderr, "runner: expected %d arguments (inputs then outputs), got %d\n", count,
            argc - 1);
    return 2;
  }
  int64_t shapes[MAX_TENSORS][MAX_RANK];
  int64_t reported[MAX_TENSORS][MAX_RANK];
  const int64_t *in_shapes[MAX_TENSORS];
  int64_t *out_shapes[MAX_TENSORS];
  int64_t *out_reported[MAX_TENSORS];
  const void *inputs[MAX_TENSORS];
  void *outputs[MAX_TENSORS];
  unsigned char *bufs[MAX_TENSORS];
  int ni = 0, no = 0;
  for (int k = 0; k < count; k++) {
    if (TENSORS[k].is_output) {
      out_shapes[no] = shapes[k];
      out_reported[no++] = reported[k];
    } else {
      if (parse_input(argv[k + 1], k, shapes[k]) != 0) return 2;
      in_shapes[ni++] = shapes[k];
    }
  }
  OUTPUT_SHAPES(in_shapes, out_shapes);
  ni = no = 0;
  for (int k = 0; k < count; k++) {
    size_t n = numel(shapes[k], TENSORS[k].rank);
    size_t es = elem_size(TENSORS[k].dtype);
    bufs[k] = malloc(n * es + 1);
    if (!bufs[k]) return 2;
    if (TENSORS[k].is_output) {
      memset(bufs[k], 0xA5, n * es); /* catch unwritten */
      outputs[no++] = bufs[k];
      continue;
    }
    FILE *f = fopen(argv[k + 1], "rb");
    if (!f) {
      fprintf(stderr, "runner: cannot open %s\n", argv[k + 1]);
      return 2;
    }
    size_t got = fread(bufs[k], es, n + 1, f);
    fclose(f);
    if (got != n) {
      fprintf(stderr, "runner: %s holds %zu elements, input '%s' needs %zu\n", argv[k + 1], got,
              TENSORS[k].name, n);
      return 2;
    }
    inputs[ni++] = bufs[k];
  }
  size_t ws_size = WORKSPACE_SIZE(in_shapes);
  void *ws = malloc(ws_size + 1);
  if (!ws) return 2;
  int rc = DLC_ENTRY(inputs, outputs, ws, in_shapes, out_reported);
  if (rc != 0) {
    fprintf(stderr, "runner: entry point returned %d\n", rc);
    return 3;
  }
  for (int k = 0; k < count; k++) {
    if (!TENSORS[k].is_output) continue;
    for (int d = 0; d < TENSORS[k].rank; d++) {
      int64_t r = reported[k][d];
      int fixed = TENSORS[k].shape[d] >= 0;
      if (r < 0 || r > shapes[k][d] || (fixed && r != shapes[k][d])) {
        fprintf(stderr, "runner: the entry point reported a bad extent for '%s' at %d\n",
                TENSORS[k].name, d);
        return 3;
      }
    }
    size_t n = numel(reported[k], TENSORS[k].rank);
    size_t es = elem_size(TENSORS[k].dtype);
    FILE *f = fopen(argv[k + 1], "wb");
    if (!f || fwrite(bufs[k], es, n, f) != n) {
      fprintf(stderr, "runner: cannot write %s\n", argv[k + 1]);
      return 2;
    }
    fclose(f);
    printf("output %s shape", TENSORS[k].name);
    for (int d = 0; d < TENSORS[k].rank; d++) printf(" %lld", (long long)reported[k][d]);
    printf("\n");
  }
  printf("workspace %zu bytes\n", ws_size);
  for (int k = 0; k < count; k++) free(bufs[k]);
  free(ws);
  return 0;
}
