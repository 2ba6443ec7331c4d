package ai.maya1.arch;

import static com.tngtech.archunit.base.DescribedPredicate.describe;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.lang.ArchRule;
import org.junit.jupiter.api.Test;

/**
 * The layering inside maya1-core: the layer packages (acoustic, vocoder, tokenizer, ...) never reach up into the
 * backend SPI or the built-in providers ({@code ai.maya1.backend} wires them), and the top-level packages form no
 * cycle. Two cycles are still known and listed here, so that no new one can creep in: {@code tts} holds the
 * {@code engine} that uses the API types of {@code tts}, and continuous batching throws the API's
 * {@code OverloadedException}.
 */
class PackageLayeringTest {

    static final ArchRule LAYERS_DO_NOT_KNOW_THEIR_PROVIDERS = noClasses()
            .that().resideInAnyPackage("ai.maya1.acoustic..", "ai.maya1.vocoder..", "ai.maya1.tokenizer..", "ai.maya1.tensor..",
                    "ai.maya1.weights..", "ai.maya1.audio..")
            .should().dependOnClassesThat().resideInAnyPackage("ai.maya1.spi..", "ai.maya1.backend..", "ai.maya1.engine..")
            .because("a layer is used by the engine through the SPI; the providers in ai.maya1.backend wire layers to the SPI");

    static ArchRule noCyclesBetween(String slicePattern) {
        return slices().matching(slicePattern).should().beFreeOfCycles()
                .ignoreDependency(resideInAPackage("ai.maya1.tts.."), resideInAPackage("ai.maya1.engine.."))
                .ignoreDependency(resideInAPackage("ai.maya1.acoustic.batch.."),
                        describe("OverloadedException", (JavaClass c) -> c.getName().equals("ai.maya1.tts.OverloadedException")));
    }

    @Test
    void productionCodeIsLayered() {
        JavaClasses core = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS).importPackages("ai.maya1");
        LAYERS_DO_NOT_KNOW_THEIR_PROVIDERS.check(core);
        noCyclesBetween("ai.maya1.(*)..").check(core);
    }

    @Test
    void theCycleRuleBitesOnAPlantedCycle() {
        JavaClasses planted = new ClassFileImporter().importPackages("ai.maya1.arch.planted.cycle");
        assertTrue(planted.contain(ai.maya1.arch.planted.cycle.left.LeftCallsRight.class));
        AssertionError e = assertThrows(AssertionError.class, () -> noCyclesBetween("ai.maya1.arch.planted.cycle.(*)..").check(planted));
        assertTrue(e.getMessage().contains("Cycle detected"), e.getMessage());
    }
}
