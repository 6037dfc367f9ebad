package io.github.langchain4j.moi;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The adapter sits on the engine: it uses the engine, never the binding below it, and the engine never uses
 * the adapter; no package cycles across both modules (see ARCHITECTURE.md).
 */
class ArchitectureTest {

    private static final String ROOT = "io.github.langchain4j.moi";

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        // the adapter's classes and moi-engine's, from the classpath; not moi-engine's test-jar, which stands on
        // the classpath as a jar once the reactor packaged it (mvn verify), where DO_NOT_INCLUDE_TESTS misses it
        ImportOption noTestJars = location -> !location.contains("-tests.jar");
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .withImportOption(noTestJars)
                .importPackages(ROOT);
        assertThat(classes.containPackage(ROOT + ".engine")).as("the engine was imported").isTrue();
        assertThat(classes.containPackage(ROOT)).as("the adapter was imported").isTrue();
    }

    @Test
    void the_engine_module_never_uses_the_adapter() {
        noClasses().that().resideInAnyPackage(ROOT + ".engine..", ROOT + ".llamacpp..", ROOT + ".model..")
                .should().dependOnClassesThat().resideInAPackage(ROOT)
                .check(classes);
    }

    @Test
    void the_adapter_uses_the_engine_not_the_binding_below_it() {
        noClasses().that().resideInAPackage(ROOT)
                .should().dependOnClassesThat().resideInAPackage(ROOT + ".llamacpp..")
                .check(classes);
    }

    @Test
    void no_package_cycles() {
        slices().matching("io.github.langchain4j.(**)").should().beFreeOfCycles().check(classes);
    }
}
