package org.etab.gpu;

import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAnyPackage;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideOutsideOfPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * docs/architecture.md's row for the gpu module: its main classes depend on {@code pipeline}, {@code batch},
 * {@code source}, {@code metrics} and {@code gpu} itself (the JDK and third-party libraries are free), and its
 * packages form no cycle.
 */
@AnalyzeClasses(packages = "org.etab.gpu", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule gpuImportsOnlyPipelineBatchSourceMetrics = classes()
            .that()
            .resideInAPackage("org.etab.gpu..")
            .should()
            .onlyDependOnClassesThat(resideOutsideOfPackage("org.etab..")
                    .or(resideInAnyPackage(
                            "org.etab.pipeline..",
                            "org.etab.batch..",
                            "org.etab.source..",
                            "org.etab.metrics..",
                            "org.etab.gpu..")));

    @ArchTest
    static final ArchRule noCyclesBetweenPackages =
            slices().matching("org.etab.(**)").should().beFreeOfCycles();
}
