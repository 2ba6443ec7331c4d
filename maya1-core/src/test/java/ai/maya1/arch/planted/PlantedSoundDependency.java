package ai.maya1.arch.planted;

import java.util.concurrent.ForkJoinPool;
import javax.sound.sampled.AudioSystem;

/** Test-only: a deliberate violation of the core rules, to prove the ArchUnit rules fail when they should. */
public final class PlantedSoundDependency {
    public static int mixers() {
        return AudioSystem.getMixerInfo().length;
    }

    public static int commonPoolSize() {
        return ForkJoinPool.commonPool().getParallelism();
    }
}
