package ai.maya1.arch;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * maya1-core stays pure Java: no native runtime (ONNX Runtime, JCuda, JNA, javax.sound playback) and no
 * dependency on the modules built on top of it. The same rule is shown to fail on a planted violation.
 */
class CoreDependencyRulesTest {

    static final ArchRule CORE_IS_PURE_JAVA = noClasses().that().resideInAPackage("ai.maya1..")
            .should().dependOnClassesThat().resideInAnyPackage(
                    "ai.onnxruntime..", "jcuda..", "com.sun.jna..", "org.bytedeco..", "javax.sound..",
                    "ai.maya1.onnx..", "ai.maya1.cuda..", "ai.maya1.cli..", "ai.maya1.examples..", "picocli..")
            .because("maya1-core must synthesize with no native dependency; backends depend on core, never the reverse");

    static final ArchRule NO_COMMON_POOL = noClasses().that().resideInAPackage("ai.maya1..")
            .should().callMethod(java.util.concurrent.ForkJoinPool.class, "commonPool")
            .orShould().callMethod(java.util.Collection.class, "parallelStream")
            .because("the SDK owns and names its threads");

    @Test
    void productionCodeObeysTheRules() {
        JavaClasses core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("ai.maya1");
        assertFalse(core.isEmpty());
        CORE_IS_PURE_JAVA.check(core);
        NO_COMMON_POOL.check(core);
    }

    @Test
    void theRuleBitesOnAPlantedViolation() {
        JavaClasses planted = new ClassFileImporter().importPackages("ai.maya1.arch.planted");
        assertTrue(planted.contain(ai.maya1.arch.planted.PlantedSoundDependency.class));
        AssertionError e = assertThrows(AssertionError.class, () -> CORE_IS_PURE_JAVA.check(planted));
        assertTrue(e.getMessage().contains("javax.sound"), e.getMessage());
        assertThrows(AssertionError.class, () -> NO_COMMON_POOL.check(planted));
    }
}
