package org.etab.djl;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * docs/architecture.md's row for the DJL module: its main classes depend on {@code pipeline}, {@code batch},
 * {@code source} and {@code djl} itself (the JDK and third-party libraries, DJL included, are free), and its
 * packages form no cycle.
 */
@AnalyzeClasses(packages = "org.etab.djl", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule djlImportsOnlyPipelineBatchSource = classes()
            .that()
            .resideInAPackage("org.etab.djl..")
            .should()
            .onlyDependOnClassesThat(resideOutsideOfPackage("org.etab..")
                    .or(resideInAnyPackage(
                            "org.etab.pipeline..", "org.etab.batch..", "org.etab.source..", "org.etab.djl..")));

    @ArchTest
    static final ArchRule noCyclesBetweenPackages =
            slices().matching("org.etab.(**)").should().beFreeOfCycles();
}
