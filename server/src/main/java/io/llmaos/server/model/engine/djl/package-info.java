/**
 * The engine SPI implemented with DJL 0.36 for PyTorch (TorchScript), TensorFlow (SavedModel) and
 * ONNX Runtime, all on CPU and fully offline, plus HuggingFace tokenizers for text models. This is
 * the only package that imports {@code ai.djl}. One DJL Predictor per instance, one NDManager per
 * batch (closed before results are returned), and the TensorFlow natives are extracted from the
 * server's own class path at start-up so a user sets nothing.
 */
package io.llmaos.server.model.engine.djl;
