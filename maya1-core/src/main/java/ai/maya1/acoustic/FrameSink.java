package ai.maya1.acoustic;

import ai.maya1.vocoder.SnacFrame;

/** Receives frames as the LM completes them. */
@FunctionalInterface
public interface FrameSink {
    /**
     * @param frame the completed frame
     * @param index its index in this generation, from 0
     * @return true to continue, false to cancel generation (finish reason CANCELLED)
     */
    boolean onFrame(SnacFrame frame, int index);
}
