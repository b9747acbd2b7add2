/* Peak single-precision FMA throughput of this machine, for bench/models.py.
 *
 *   cc -O2 -march=native -ffp-contract=fast -pthread fma_probe.c -o fma_probe
 *   fma_probe THREADS [SECONDS]
 *
 * Each of THREADS threads runs CHAINS independent chains of
 * `acc = acc * m + c` on GCC vectors of 8 floats (and, where the compiler
 * targets AVX-512, a second pass on vectors of 16 floats): enough
 * independent chains to cover the FMA latency times the number of FMA
 * pipes, so the loop is bound by FMA throughput alone. A measurement starts
 * all threads at a barrier and lasts about SECONDS (default 0.25); the best
 * of 5 measurements per width is kept. Prints one line per width, then
 *
 *   peak_gflops <best over the widths>
 *
 * counting one FMA as 2 floating-point operations. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

typedef float v8sf __attribute__((vector_size(32)));
#ifdef __AVX512F__
typedef float v16sf __attribute__((vector_size(64)));
#endif

/* Accumulators per thread; with AVX-512VL there are 32 vector registers,
 * otherwise 16 (12 accumulators + the two constants fit). */
#ifdef __AVX512VL__
#define CHAINS 16
#else
#define CHAINS 12
#endif

static double now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* One kernel per vector type: ITERS iterations of CHAINS FMAs each. The
 * accumulators converge to c / (1 - m) = 1, so no overflow or denormals;
 * their sum is returned so the work cannot be removed. */
#define KERNEL(NAME, VT, LANES)                                                \
  static float NAME(long iters) {                                              \
    VT acc[CHAINS];                                                            \
    VT m, c;                                                                   \
    for (int l = 0; l < LANES; l++) {                                          \
      m[l] = 0.9999999f;                                                       \
      c[l] = 1e-7f;                                                            \
    }                                                                          \
    for (int k = 0; k < CHAINS; k++)                                           \
      for (int l = 0; l < LANES; l++) acc[k][l] = (float)(k + l) * 1e-3f;      \
    for (long i = 0; i < iters; i++) {                                         \
      _Pragma("GCC unroll 16") for (int k = 0; k < CHAINS; k++) acc[k] =       \
          acc[k] * m + c;                                                      \
    }                                                                          \
    VT s = acc[0];                                                             \
    for (int k = 1; k < CHAINS; k++) s += acc[k];                              \
    float r = 0;                                                               \
    for (int l = 0; l < LANES; l++) r += s[l];                                 \
    return r;                                                                  \
  }

KERNEL(kernel8, v8sf, 8)
#ifdef __AVX512F__
KERNEL(kernel16, v16sf, 16)
#endif

typedef struct {
  int lanes;
  long iters;
  pthread_barrier_t *barrier;
  float sink;
} job;

static void *worker(void *arg) {
  job *j = arg;
  pthread_barrier_wait(j->barrier);
#ifdef __AVX512F__
  j->sink = j->lanes == 16 ? kernel16(j->iters) : kernel8(j->iters);
#else
  j->sink = kernel8(j->iters);
#endif
  return NULL;
}

/* Wall time of `threads` threads each running `iters` iterations. */
static double measure(int threads, int lanes, long iters) {
  pthread_t tid[threads];
  job jobs[threads];
  pthread_barrier_t barrier;
  pthread_barrier_init(&barrier, NULL, (unsigned)threads + 1);
  for (int t = 0; t < threads; t++) {
    jobs[t] = (job){lanes, iters, &barrier, 0};
    pthread_create(&tid[t], NULL, worker, &jobs[t]);
  }
  pthread_barrier_wait(&barrier);
  double t0 = now();
  for (int t = 0; t < threads; t++) pthread_join(tid[t], NULL);
  double dt = now() - t0;
  pthread_barrier_destroy(&barrier);
  float sink = 0;
  for (int t = 0; t < threads; t++) sink += jobs[t].sink;
  if (sink != sink) fprintf(stderr, "fma_probe: NaN\n"); /* keeps `sink` used */
  return dt;
}

static double probe(int threads, int lanes, double seconds) {
  /* Calibrate the iteration count on one thread, then time the real runs. */
  long iters = 1 << 16;
  while (measure(1, lanes, iters) < 0.02) iters *= 2;
  iters = (long)(iters * seconds / measure(1, lanes, iters));
  if (iters < 1) iters = 1;
  double best = 0;
  for (int rep = 0; rep < 5; rep++) {
    double dt = measure(threads, lanes, iters);
    double gflops = 2.0 * lanes * CHAINS * (double)iters * threads / dt / 1e9;
    if (gflops > best) best = gflops;
  }
  return best;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: fma_probe THREADS [SECONDS]\n");
    return 2;
  }
  int threads = atoi(argv[1]);
  double seconds = argc > 2 ? atof(argv[2]) : 0.25;
  if (threads < 1 || threads > 1024 || !(seconds > 0)) {
    fprintf(stderr, "fma_probe: bad arguments\n");
    return 2;
  }
  double g8 = probe(threads, 8, seconds), best = g8;
  printf("threads %d width 8 chains %d: %.1f GFLOP/s\n", threads, CHAINS, g8);
#ifdef __AVX512F__
  double g16 = probe(threads, 16, seconds);
  printf("threads %d width 16 chains %d: %.1f GFLOP/s\n", threads, CHAINS, g16);
  if (g16 > best) best = g16;
#endif
  printf("peak_gflops %.3f\n", best);
  return 0;
}
