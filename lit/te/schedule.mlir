// RUN: dl-opt %s --te-schedule | FileCheck %s
// RUN: dl-opt %s --lower-graph-to-te --te-schedule | dl-opt | FileCheck %s --check-prefix=LOWER

// A matmul gets the micro-kernel schedule: 6 x 16 register tiles (two
// vectors of 8 lanes) over a 128-long reduction block, loops k.o, i.o, j.o,
// k, i, j; the point loops of i and j unrolled after peeling partial tiles;
// the tiles of i split over the thread pool.
// CHECK-LABEL: func.func @matmul
// CHECK: te.compute {{.*}} schedule = {parallel = array<i64: 0, 1>, peel = array<i64: 0, 1>, reorder = array<i64: 2, 0, 1>, tile = array<i64: 6, 16, 128>, unroll = array<i64: 0, 6, 1, 2>, vectorize = array<i64: 1, 8>}
func.func @matmul(%a: tensor<64x128xf32>, %b: tensor<128x64xf32>) -> tensor<64x64xf32> {
  %0 = te.compute (%i, %j) reduce (%k) ins(%a, %b : tensor<64x128xf32>, tensor<128x64xf32>) {combiner = "add", reduce_extents = array<i64: 128>} -> tensor<64x64xf32> {
    %x = te.extract %a[%i, %k] : tensor<64x128xf32>
    %y = te.extract %b[%k, %j] : tensor<128x64xf32>
    %m = arith.mulf %x, %y : f32
    te.yield %m : f32
  }
  return %0 : tensor<64x64xf32>
}

// An existing schedule is kept; small or odd extents get no vectorize.
// CHECK-LABEL: func.func @keep
// CHECK: schedule = {unroll = array<i64: 0, 2>}
// CHECK: te.compute (%{{.+}}, %{{.+}}) ins(%{{.+}} : tensor<3x5xf32>) {schedule = {parallel = array<i64: 0>}}
func.func @keep(%a: tensor<3x5xf32>) -> tensor<3x5xf32> {
  %0 = te.compute (%i, %j) ins(%a : tensor<3x5xf32>) {schedule = {unroll = array<i64: 0, 2>}} -> tensor<3x5xf32> {
    %x = te.extract %a[%i, %j] : tensor<3x5xf32>
    %e = math.exp %x : f32
    te.yield %e : f32
  }
  %1 = te.compute (%i, %j) ins(%0 : tensor<3x5xf32>) -> tensor<3x5xf32> {
    %x = te.extract %0[%i, %j] : tensor<3x5xf32>
    %e = math.exp %x : f32
    te.yield %e : f32
  }
  return %1 : tensor<3x5xf32>
}

// LOWER-LABEL: func.func @relu
// LOWER: te.compute {{.*}} {schedule = {parallel = array<i64: 0>, vectorize = array<i64: 1, 8>}}
func.func @relu(%x: tensor<4x16xf32>) -> tensor<4x16xf32> {
  %0 = graph.relu %x : (tensor<4x16xf32>) -> tensor<4x16xf32>
  return %0 : tensor<4x16xf32>
}
