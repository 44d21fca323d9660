package io.llmaos.server.model.repository;

import io.llmaos.proto.v1.Engine;
import io.llmaos.server.core.error.FieldViolation;
import io.llmaos.server.core.error.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * Infers a version's engine from its files and finds the file to load: {@code *.pt} PyTorch,
 * {@code saved_model.pb} TensorFlow, {@code *.onnx} ONNX Runtime.
 */
final class EngineDetector {
    private EngineDetector() {}

    /** The engine the files call for; INVALID_ARGUMENT when none or several do. */
    static Engine detect(Path versionDir, String where) {
        boolean pt = !files(versionDir, ".pt").isEmpty();
        boolean onnx = !files(versionDir, ".onnx").isEmpty();
        boolean tf = Files.isRegularFile(versionDir.resolve("saved_model.pb"));
        int found = (pt ? 1 : 0) + (onnx ? 1 : 0) + (tf ? 1 : 0);
        if (found != 1) {
            throw invalid(
                    where,
                    found == 0
                            ? "no model file (*.pt, saved_model.pb or *.onnx) found"
                            : "files for several engines found; name the engine in config.json");
        }
        return pt ? Engine.PYTORCH : onnx ? Engine.ONNXRUNTIME : Engine.TENSORFLOW;
    }

    /** The file (or, for TensorFlow, folder) the engine loads. */
    static Path modelFile(Engine engine, Path versionDir, String where) {
        if (engine == Engine.TENSORFLOW) {
            if (!Files.isRegularFile(versionDir.resolve("saved_model.pb"))) {
                throw invalid(where, "no saved_model.pb in version " + versionDir.getFileName());
            }
            return versionDir;
        }
        String extension = engine == Engine.PYTORCH ? ".pt" : ".onnx";
        Path preferred = versionDir.resolve("model" + extension);
        if (Files.isRegularFile(preferred)) {
            return preferred;
        }
        List<Path> candidates = files(versionDir, extension);
        if (candidates.size() != 1) {
            throw invalid(
                    where,
                    candidates.isEmpty()
                            ? "no *" + extension + " file in version " + versionDir.getFileName()
                            : "several *" + extension + " files in version " + versionDir.getFileName()
                                    + "; name one model" + extension);
        }
        return candidates.get(0);
    }

    private static InvalidInputException invalid(String where, String description) {
        return new InvalidInputException(where, List.of(new FieldViolation("engine", description)));
    }

    private static List<Path> files(Path dir, String extension) {
        try (Stream<Path> list = Files.list(dir)) {
            return list.filter(p -> p.getFileName().toString().endsWith(extension) && Files.isRegularFile(p))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            return List.of();
        }
    }
}
