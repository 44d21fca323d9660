package io.llmaos.server.model.repository;

import io.llmaos.proto.v1.Engine;
import io.llmaos.proto.v1.ModelConfig;
import io.llmaos.server.core.error.FieldViolation;
import io.llmaos.server.core.error.InvalidInputException;
import io.llmaos.server.core.request.Names;
import io.llmaos.server.model.engine.ModelSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** A model repository on disk. Stateless apart from its root: every call reads the disk afresh. */
public final class ModelRepository {
    private static final Logger log = LoggerFactory.getLogger(ModelRepository.class);

    private final RepositoryPaths paths;
    private final SpecBuilder specs;

    public ModelRepository(Path root) {
        this.paths = new RepositoryPaths(root);
        this.specs = new SpecBuilder(paths);
    }

    /** The canonical root folder. */
    public Path root() {
        return paths.root();
    }

    /**
     * The names of the model folders (those holding a config.json or version folders), sorted;
     * folders with invalid names are skipped with a warning.
     */
    public List<String> modelNames() {
        List<String> names = new ArrayList<>();
        try (Stream<Path> list = Files.list(paths.root())) {
            for (Path p : list.sorted().toList()) {
                String name = p.getFileName().toString();
                if (!Files.isDirectory(p) || name.startsWith(".")) {
                    continue;
                }
                if (!Names.isModelName(name)) {
                    log.warn("skipping model folder '{}': {}", name, Names.MODEL_RULE);
                    continue;
                }
                if (!Files.isRegularFile(p.resolve(ConfigReader.FILE_NAME))
                        && versions(p).isEmpty()) {
                    log.debug("skipping folder '{}': neither config.json nor version folders", name);
                    continue;
                }
                names.add(name);
            }
        } catch (IOException e) {
            log.warn("cannot list the model repository {}: {}", paths.root(), e.getMessage());
        }
        return names;
    }

    /** NOT_FOUND unless the repository has a folder for model {@code name} (INVALID_ARGUMENT for a bad name). */
    public void requireExists(String name) {
        paths.modelDir(name);
    }

    /** Model {@code name} with its config.json. */
    public ModelSource read(String name) {
        return read(name, null);
    }

    /**
     * Model {@code name}; a non-null {@code override} replaces its config.json. The effective config
     * has the name filled in and the engine inferred; invalid configs fail with INVALID_ARGUMENT
     * naming the file (or "config override") and each field.
     */
    public ModelSource read(String name, ModelConfig override) {
        Path dir = paths.modelDir(name);
        String where = override != null ? "config override of " + name : name + "/" + ConfigReader.FILE_NAME;
        ModelConfig config = override != null ? override : ConfigReader.read(dir, where, paths);
        List<FieldViolation> problems = ConfigValidator.validate(config, name);
        if (!problems.isEmpty()) {
            throw new InvalidInputException(where, problems);
        }
        SortedMap<Long, Path> versions = versions(dir);
        ModelConfig.Builder effective = config.toBuilder().setName(name);
        if (config.getEngine() == Engine.ENGINE_UNSPECIFIED && !versions.isEmpty()) {
            effective.setEngine(
                    EngineDetector.detect(versions.get(versions.lastKey()), name + "/" + versions.lastKey()));
        }
        ModelConfig built = effective.build();
        return new ModelSource(
                name,
                dir,
                built,
                versions,
                VersionSelection.select(built.getVersionPolicy(), new java.util.TreeSet<>(versions.keySet())));
    }

    /** A configuration given as proto JSON elsewhere (e.g. a load request); errors name {@code where}. */
    public static ModelConfig parseConfig(String json, String where) {
        return ConfigReader.parse(json, where);
    }

    /** What is wrong with proto JSON of {@code message}, never in the text's own words. */
    public static io.llmaos.server.core.error.FieldViolation describeJsonError(Exception e, String message) {
        return ConfigReader.describe(e, message);
    }

    /** The engine's view of one version of {@code source}. */
    public ModelSpec spec(ModelSource source, long version) {
        return specs.build(source, version);
    }

    /** The fingerprint of one version folder of {@code source}. */
    public long versionStamp(ModelSource source, long version) {
        Path dir = source.versionDir(version);
        return dir == null ? 0 : stamp(dir);
    }

    /** The fingerprint of every model folder, for poll mode. */
    public Map<String, ModelFingerprint> fingerprints() {
        Map<String, ModelFingerprint> result = new HashMap<>();
        for (String name : modelNames()) {
            Path dir = paths.root().resolve(name);
            Map<Long, Long> versions = new HashMap<>();
            versions(dir).forEach((v, p) -> versions.put(v, stamp(p)));
            result.put(name, new ModelFingerprint(stamp(dir.resolve(ConfigReader.FILE_NAME)), versions));
        }
        return result;
    }

    private static SortedMap<Long, Path> versions(Path modelDir) {
        SortedMap<Long, Path> versions = new TreeMap<>();
        try (Stream<Path> list = Files.list(modelDir)) {
            list.filter(Files::isDirectory).forEach(p -> {
                String n = p.getFileName().toString();
                if (n.matches("[1-9][0-9]{0,17}")) {
                    versions.put(Long.parseLong(n), p);
                }
            });
        } catch (IOException e) {
            log.warn("cannot list {}: {}", modelDir, e.getMessage());
        }
        return versions;
    }

    /** A hash of the relative paths, sizes and modification times of the files under {@code path}. */
    private static long stamp(Path path) {
        if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        long h = 1125899906842597L;
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted().toList()) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                h = 31 * h + path.relativize(p).toString().hashCode();
                h = 31 * h + a.size();
                h = 31 * h + a.lastModifiedTime().toMillis();
            }
        } catch (IOException e) {
            return -1;
        }
        return h;
    }
}
