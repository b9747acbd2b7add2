/* Runs a model compiled by `dlc MODEL.onnx -o libm.so` through its C ABI and
 * generated header, with no dlc code involved: the harness the test-suite
 * uses for the shared-library path.
 *
 *   cc -DDLC_HEADER='"libm.h"' -DDLC_ENTRY=main_graph -I DIR \
 *      c_runner.c libm.so -o runner
 *   runner IN_0.bin ... IN_n.bin OUT_0.bin ... OUT_m.bin
 *
 * Each .bin is the raw row-major f32 data of one tensor (numpy's tofile);
 * the sizes come from the header's tensor table, and an input file of the
 * wrong size is an error. The workspace is one malloc of
 * <entry>_workspace_size() bytes, made before the run. */
#include <stdio.h>
#include <stdlib.h>

#include DLC_HEADER

#define CAT2(a, b) a##b
#define CAT(a, b) CAT2(a, b)
#define TENSORS CAT(DLC_ENTRY, _tensors)
#define WORKSPACE_SIZE CAT(DLC_ENTRY, _workspace_size)

static size_t numel(int k) {
  size_t n = 1;
  for (int d = 0; d < TENSORS[k].rank; d++) n *= (size_t)TENSORS[k].shape[d];
  return n;
}

int main(int argc, char **argv) {
  const int count = (int)(sizeof TENSORS / sizeof TENSORS[0]);
  if (argc != count + 1) {
    fprintf(stderr, "runner: expected %d files (inputs then outputs), got %d\n", count,
            argc - 1);
    return 2;
  }
  const void *inputs[sizeof TENSORS / sizeof TENSORS[0]];
  void *outputs[sizeof TENSORS / sizeof TENSORS[0]];
  float *bufs[sizeof TENSORS / sizeof TENSORS[0]];
  int ni = 0, no = 0;
  for (int k = 0; k < count; k++) {
    size_t n = numel(k);
    bufs[k] = malloc(n * sizeof(float) + 1);
    if (!bufs[k]) return 2;
    if (TENSORS[k].is_output) {
      for (size_t i = 0; i < n; i++) bufs[k][i] = -12345.0f; /* catch unwritten */
      outputs[no++] = bufs[k];
      continue;
    }
    FILE *f = fopen(argv[k + 1], "rb");
    if (!f) {
      fprintf(stderr, "runner: cannot open %s\n", argv[k + 1]);
      return 2;
    }
    size_t got = fread(bufs[k], sizeof(float), n + 1, f);
    fclose(f);
    if (got != n) {
      fprintf(stderr, "runner: %s holds %zu floats, input '%s' needs %zu\n", argv[k + 1], got,
              TENSORS[k].name, n);
      return 2;
    }
    inputs[ni++] = bufs[k];
  }
  void *ws = malloc(WORKSPACE_SIZE() + 1);
  if (!ws) return 2;
  int rc = DLC_ENTRY(inputs, outputs, ws);
  if (rc != 0) {
    fprintf(stderr, "runner: entry point returned %d\n", rc);
    return 3;
  }
  for (int k = 0; k < count; k++) {
    if (!TENSORS[k].is_output) continue;
    FILE *f = fopen(argv[k + 1], "wb");
    if (!f || fwrite(bufs[k], sizeof(float), numel(k), f) != numel(k)) {
      fprintf(stderr, "runner: cannot write %s\n", argv[k + 1]);
      return 2;
    }
    fclose(f);
  }
  printf("workspace %zu bytes\n", WORKSPACE_SIZE());
  for (int k = 0; k < count; k++) free(bufs[k]);
  free(ws);
  return 0;
}
