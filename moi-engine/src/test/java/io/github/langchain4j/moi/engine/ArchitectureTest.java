package io.github.langchain4j.moi.engine;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The layers of moi-engine point one way: the llama.cpp binding at the bottom knows nothing above it, nothing
 * here knows LangChain4j, and no two packages depend on each other (see ARCHITECTURE.md).
 */
class ArchitectureTest {

    private static final String ROOT = "io.github.langchain4j.moi";

    private static JavaClasses classes;

    @BeforeAll
    static void importMainClasses() {
        classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages(ROOT);
        assertThat(classes.containPackage(ROOT + ".llamacpp")).as("the binding was imported").isTrue();
    }

    @Test
    void the_binding_depends_on_nothing_above_it() {
        noClasses().that().resideInAPackage(ROOT + ".llamacpp..")
                .should().dependOnClassesThat().resideInAnyPackage(ROOT, ROOT + ".engine..", ROOT + ".model..")
                .because("the llama.cpp binding is the bottom layer: its own parameter and exception types")
                .check(classes);
    }

    @Test
    void nothing_in_the_engine_module_depends_on_langchain4j() {
        noClasses().should().dependOnClassesThat().resideInAPackage("dev.langchain4j..")
                .because("moi-engine is usable from plain Java")
                .check(classes);
    }

    @Test
    void langchain4j_is_not_even_on_the_test_classpath() {
        assertThatThrownBy(() -> Class.forName("dev.langchain4j.model.chat.ChatModel"))
                .isInstanceOf(ClassNotFoundException.class);
    }

    @Test
    void no_package_cycles() {
        slices().matching(ROOT + ".(**)").should().beFreeOfCycles().check(classes);
    }
}
