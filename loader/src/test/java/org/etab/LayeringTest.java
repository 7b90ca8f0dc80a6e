package org.etab;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.library.Architectures.layeredArchitecture;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;

/**
 * docs/architecture.md's package table for the loader's main classes: each package depends only on the packages
 * its row names (the JDK and third-party libraries are free), datasets never on each other, and no two packages
 * on each other in a cycle. A package missing from the table fails too: add its row there and here.
 */
@AnalyzeClasses(packages = "org.etab", importOptions = ImportOption.DoNotIncludeTests.class)
class LayeringTest {

    @ArchTest
    static final ArchRule eachPackageImportsOnlyWhatItsRowNames = layeredArchitecture()
            .consideringOnlyDependenciesInLayers()
            .layer("batch")
            .definedBy("org.etab.batch..")
            .layer("sampling")
            .definedBy("org.etab.sampling..")
            .layer("decode")
            .definedBy("org.etab.decode..")
            .layer("transform")
            .definedBy("org.etab.transform..")
            .layer("synth")
            .definedBy("org.etab.synth..")
            .layer("storage")
            .definedBy("org.etab.storage..")
            .layer("source")
            .definedBy("org.etab.source..")
            .layer("datasets")
            .definedBy("org.etab.datasets..")
            .layer("metrics")
            .definedBy("org.etab.metrics..")
            .layer("pipeline")
            .definedBy("org.etab.pipeline..")
            .layer("config")
            .definedBy("org.etab.config..")
            .layer("api")
            .definedBy("org.etab.api..")
            .layer("viz")
            .definedBy("org.etab.viz..")
            .whereLayer("batch")
            .mayNotAccessAnyLayer()
            .whereLayer("sampling")
            .mayOnlyAccessLayers("batch")
            .whereLayer("decode")
            .mayNotAccessAnyLayer()
            .whereLayer("transform")
            .mayOnlyAccessLayers("batch")
            .whereLayer("synth")
            .mayOnlyAccessLayers("decode")
            .whereLayer("storage")
            .mayNotAccessAnyLayer()
            .whereLayer("source")
            .mayOnlyAccessLayers("batch", "sampling", "decode", "transform")
            .whereLayer("datasets")
            .mayOnlyAccessLayers("source", "batch", "sampling", "decode", "transform", "storage", "synth")
            .whereLayer("metrics")
            .mayOnlyAccessLayers("batch")
            .whereLayer("pipeline")
            .mayOnlyAccessLayers("source", "batch", "sampling", "metrics")
            .whereLayer("config")
            .mayOnlyAccessLayers("source")
            .whereLayer("api")
            .mayOnlyAccessLayers(
                    "batch",
                    "sampling",
                    "decode",
                    "transform",
                    "synth",
                    "storage",
                    "source",
                    "datasets",
                    "metrics",
                    "pipeline",
                    "config")
            .whereLayer("viz")
            .mayOnlyAccessLayers(
                    "api",
                    "batch",
                    "sampling",
                    "decode",
                    "transform",
                    "synth",
                    "storage",
                    "source",
                    "datasets",
                    "metrics",
                    "pipeline",
                    "config");

    /** "never another dataset": each {@code datasets.x} stands alone. */
    @ArchTest
    static final ArchRule datasetsDoNotImportEachOther =
            slices().matching("org.etab.datasets.(*)..").should().notDependOnEachOther();

    @ArchTest
    static final ArchRule noCyclesBetweenPackages =
            slices().matching("org.etab.(**)").should().beFreeOfCycles();

    /** Without this, a package outside the table would escape the layer rule. */
    @ArchTest
    static final ArchRule everyPackageHasARow = classes()
            .should()
            .resideInAnyPackage(
                    "org.etab.batch..",
                    "org.etab.sampling..",
                    "org.etab.decode..",
                    "org.etab.transform..",
                    "org.etab.synth..",
                    "org.etab.storage..",
                    "org.etab.source..",
                    "org.etab.datasets..",
                    "org.etab.metrics..",
                    "org.etab.pipeline..",
                    "org.etab.config..",
                    "org.etab.api..",
                    "org.etab.viz..");
}
