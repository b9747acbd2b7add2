// RUN: dl-opt %s --split-input-file --verify-diagnostics --lower-onnx-to-graph | FileCheck %s

// TfIdfVectorizer (TF, bigrams, skips up to 1): per skip distance d the
// two token columns x[.., d*j .. d*j + L] are compared with the pool's
// bigrams, the matches summed over start positions, and the pool counts
// mapped to output slots by a one-hot matmul.
// CHECK-LABEL: func.func @bigrams
// CHECK-COUNT-4: graph.slice %arg0
// CHECK: graph.elementwise "equal"
// CHECK: graph.elementwise "and"
// CHECK: graph.reduce_sum
// CHECK: graph.add
// CHECK: graph.matmul %{{.+}}, %{{.+}} : (tensor<2x2xf32>, tensor<2x3xf32>) -> tensor<2x3xf32>
func.func @bigrams(%x: tensor<2x5xi64>) -> tensor<2x3xf32> {
  %y = onnx.TfIdfVectorizer %x {max_gram_length = 2 : i64, min_gram_length = 2 : i64, max_skip_count = 1 : i64, mode = "TF", ngram_counts = [0, 0], ngram_indexes = [2, 0], pool_int64s = [1, 2, 3, 4]} : (tensor<2x5xi64>) -> tensor<2x3xf32>
  return %y : tensor<2x3xf32>
}

// -----

// IDF with weights: a weight where the n-gram occurs, else 0.
// CHECK-LABEL: func.func @idf
// CHECK: graph.elementwise "greater"
// CHECK: graph.elementwise "select"
func.func @idf(%x: tensor<6xi32>) -> tensor<2xf32> {
  %y = onnx.TfIdfVectorizer %x {max_gram_length = 1 : i64, min_gram_length = 1 : i64, max_skip_count = 0 : i64, mode = "IDF", ngram_counts = [0], ngram_indexes = [0, 1], pool_int64s = [5, 7], weights = [2.5 : f32, 0.5 : f32]} : (tensor<6xi32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}

// -----

func.func @bad_mode(%x: tensor<6xi32>) -> tensor<2xf32> {
  // expected-error@+1 {{'onnx.TfIdfVectorizer' op failed to lower to graph: unknown mode 'BM25' (expected TF, IDF or TFIDF)}}
  %y = onnx.TfIdfVectorizer %x {max_gram_length = 1 : i64, min_gram_length = 1 : i64, max_skip_count = 0 : i64, mode = "BM25", ngram_counts = [0], ngram_indexes = [0, 1], pool_int64s = [5, 7]} : (tensor<6xi32>) -> tensor<2xf32>
  return %y : tensor<2xf32>
}
