package io.llmaos.server.model.engine;

/** The runtimes a model can run on, with their Open Inference Protocol platform names. */
public enum EngineType {
    PYTORCH("pytorch_libtorch"),
    TENSORFLOW("tensorflow_savedmodel"),
    ONNXRUNTIME("onnxruntime_onnx");

    private final String platform;

    EngineType(String platform) {
        this.platform = platform;
    }

    /** The OIP/Triton platform string, e.g. {@code pytorch_libtorch}. */
    public String platform() {
        return platform;
    }
}
