package io.llmaos.server;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.assignableTo;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.fields;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The package rules of docs/ARCHITECTURE.md, checked on the compiled server classes. */
class LayeringTest {
    private static final String ROOT = "io.llmaos.server";
    private static JavaClasses server;

    @BeforeAll
    static void importClasses() {
        server = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
    }

    @Test
    void serverClassesWereImported() {
        // guards the other rules against passing on an empty import
        org.junit.jupiter.api.Assertions.assertTrue(server.size() > 20, "imported " + server.size());
    }

    @Test
    void everyPackageSaysWhatItHolds() throws java.io.IOException {
        java.nio.file.Path sources = java.nio.file.Path.of("src/main/java");
        try (var dirs = java.nio.file.Files.walk(sources)) {
            List<String> missing = dirs.filter(java.nio.file.Files::isDirectory)
                    .filter(d -> hasJava(d) && !java.nio.file.Files.exists(d.resolve("package-info.java")))
                    .map(d -> sources.relativize(d).toString())
                    .toList();
            org.junit.jupiter.api.Assertions.assertEquals(List.of(), missing, "packages without a package-info.java");
        }
    }

    private static boolean hasJava(java.nio.file.Path dir) {
        try (var files = java.nio.file.Files.list(dir)) {
            return files.anyMatch(f -> f.toString().endsWith(".java"));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void coreImportsNothingInternal() {
        check(noClasses()
                .that()
                .resideInAPackage(ROOT + ".core..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        ROOT,
                        ROOT + ".config..",
                        ROOT + ".resource..",
                        ROOT + ".model..",
                        ROOT + ".scheduler..",
                        ROOT + ".api..",
                        ROOT + ".telemetry..",
                        "io.grpc..",
                        "io.llmaos.proto..",
                        "ai.djl.."));
    }

    @Test
    void onlyTelemetryTouchesOpenTelemetryAndOnlyTheRootUsesTelemetry() {
        check(noClasses()
                .that()
                .resideOutsideOfPackage(ROOT + ".telemetry..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.opentelemetry.."));
        check(noClasses()
                .that()
                .resideInAnyPackage(
                        ROOT + ".core..",
                        ROOT + ".codec..",
                        ROOT + ".config..",
                        ROOT + ".resource..",
                        ROOT + ".model..",
                        ROOT + ".generation..",
                        ROOT + ".scheduler..",
                        ROOT + ".api..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT + ".telemetry.."));
    }

    @Test
    void onlyApiTouchesGrpcAndTheGeneratedServices() {
        check(noClasses()
                .that()
                .resideOutsideOfPackage(ROOT + ".api..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("io.grpc..", "com.google.rpc..", "io.llmaos.proto.oip..")
                .orShould()
                .dependOnClassesThat()
                .haveSimpleNameEndingWith("Grpc"));
    }

    @Test
    void contractMessagesStayAboveTheEngineSpi() {
        // ModelConfig is the one configuration schema: the repository, lifecycle and scheduler read it;
        // core, config, resource and the engine SPI work on plain Java values
        check(noClasses()
                .that()
                .resideInAnyPackage(
                        ROOT + ".core..", ROOT + ".config..", ROOT + ".resource..", ROOT + ".model.engine..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("io.llmaos.proto.."));
    }

    @Test
    void onlyTheCompositionRootKnowsTheDjlAdapter() {
        check(noClasses()
                .that()
                .resideOutsideOfPackages(ROOT, ROOT + ".model.engine.djl..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT + ".model.engine.djl.."));
    }

    @Test
    void onlyTheDjlAdapterTouchesDjl() {
        check(noClasses()
                .that()
                .resideOutsideOfPackage(ROOT + ".model.engine.djl..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage("ai.djl.."));
    }

    @Test
    void lowerLayersNeverImportUpperLayers() {
        check(noClasses()
                .that()
                .resideInAnyPackage(ROOT + ".resource..", ROOT + ".model..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".scheduler..", ROOT + ".generation..", ROOT + ".api..")
                .allowEmptyShould(true));
        // the tensor codec sits below the API and the model layer, which both use it
        check(noClasses()
                .that()
                .resideInAPackage(ROOT + ".codec..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        ROOT + ".api..",
                        ROOT + ".scheduler..",
                        ROOT + ".generation..",
                        ROOT + ".model.lifecycle..",
                        ROOT + ".model.repository..",
                        ROOT + ".resource.."));
        // token processing sits on the engine SPI: it knows no lifecycle, scheduler, API or contract
        check(noClasses()
                .that()
                .resideInAPackage(ROOT + ".generation..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(
                        ROOT + ".model.lifecycle..",
                        ROOT + ".model.repository..",
                        ROOT + ".model.engine.djl..",
                        ROOT + ".scheduler..",
                        ROOT + ".api..",
                        ROOT + ".resource..",
                        "io.llmaos.proto.."));
        check(noClasses()
                .that()
                .resideInAPackage(ROOT + ".resource..")
                .should()
                .dependOnClassesThat()
                .resideInAPackage(ROOT + ".model.."));
        check(noClasses()
                .that()
                .resideInAPackage(ROOT + ".model.engine..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".model.repository..", ROOT + ".model.lifecycle.."));
        check(noClasses()
                .that()
                .resideInAPackage(ROOT + ".scheduler..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".api..", ROOT + ".model.engine.djl..")
                .allowEmptyShould(true));
        check(noClasses()
                .that()
                .resideInAPackage(ROOT + ".config..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(ROOT + ".resource..", ROOT + ".model..", ROOT + ".scheduler..", ROOT + ".api..")
                .allowEmptyShould(true));
    }

    @Test
    void nothingImportsTheCompositionRoot() {
        check(classes()
                .that()
                .resideInAPackage(ROOT)
                .should()
                .onlyHaveDependentClassesThat()
                .resideInAPackage(ROOT));
    }

    @Test
    void noStaticMutableState() {
        check(fields().that()
                .areStatic()
                .and()
                .areDeclaredInClassesThat()
                .resideInAPackage(ROOT + "..")
                .should()
                .beFinal()
                .because("no singletons or static mutable state (docs/ARCHITECTURE.md)"));
        check(fields().that()
                .areStatic()
                .and()
                .areDeclaredInClassesThat()
                .resideInAPackage(ROOT + "..")
                .should()
                .notHaveRawType(resideInAnyPackage("java.util.concurrent..")
                        .or(assignableTo(ArrayList.class))
                        .or(assignableTo(HashMap.class))
                        .or(assignableTo(HashSet.class)))
                .because("a static field of a mutable type is global state")
                .allowEmptyShould(true));
    }

    private static void check(ArchRule rule) {
        rule.check(server);
    }
}
