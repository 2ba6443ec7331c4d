package ai.maya1.cuda.snac;

import java.util.ArrayList;
import java.util.List;

/**
 * The exact-streaming schedule of the SNAC decoder: the chain of context-needing layers (centered convolutions
 * and transposed convolutions; pointwise layers ride along), how many outputs of each become final once
 * {@code nIn} inputs are known, and how much input context each must keep. Pure arithmetic, shared by the GPU
 * pipeline and its tests.
 *
 * <p>A centered conv with half-width {@code h} (kernel 7, dilation d: h = 3d) has final outputs
 * {@code [0, nIn - h)} before the end of the stream and keeps inputs from {@code nOut - h}. A transposed conv
 * (kernel 2s, stride s, padding p) writes output t from inputs {@code floor((t+p)/s)} and that minus one, so
 * {@code nIn * s - p} outputs are final and one input of context is kept. After flush every stage emits all of
 * its {@code nIn * rate} outputs (zero padding on the right, as the reference).
 */
public final class SnacStagePlan {
    /** One context-needing stage. */
    public record Stage(String name, boolean transposed, int halfWidth, int stride, int padding) {
        public static Stage conv(String name, int halfWidth) {
            return new Stage(name, false, halfWidth, 1, 0);
        }

        public static Stage transposed(String name, int stride) {
            return new Stage(name, true, 0, stride, (stride + 1) / 2);
        }

        /** Outputs per input. */
        public int rate() {
            return transposed ? stride : 1;
        }

        /** Outputs that no later input can change, given {@code nIn} inputs (all of them once flushed). */
        public long finalOutputs(long nIn, boolean flushed) {
            if (flushed) {
                return nIn * rate();
            }
            return Math.max(0, transposed ? nIn * stride - padding : nIn - halfWidth);
        }

        /** Outputs held back waiting for later input (in output units). */
        public int heldBack() {
            return transposed ? padding : halfWidth;
        }

        /** Lowest input position the next output needs. */
        public long firstNeededInput(long nOut) {
            if (transposed) {
                return Math.max(0, Math.floorDiv(nOut + padding, stride) - 1);
            }
            return Math.max(0, nOut - halfWidth);
        }

        /** Ring capacity (positions) for inputs arriving at most {@code maxNewInputs} at a time. */
        public int ringCapacity(int maxNewInputs) {
            return (transposed ? 2 : 2 * halfWidth) + maxNewInputs + 2;
        }

        /** Upper bound of new outputs from one step with at most {@code maxNewInputs} new inputs. */
        public int maxNewOutputs(int maxNewInputs) {
            return maxNewInputs * rate() + heldBack();
        }
    }

    private final List<Stage> stages;

    public SnacStagePlan(List<Stage> stages) {
        this.stages = List.copyOf(stages);
    }

    /** The plan of a SNAC decoder with the given block rates (noise blocks and 1x1 convs are pointwise). */
    public static SnacStagePlan forRates(int[] decoderRates) {
        List<Stage> s = new ArrayList<>();
        s.add(Stage.conv("decoder.model.0", 3));
        for (int k = 0; k < decoderRates.length; k++) {
            String p = "decoder.model." + (k + 2);
            s.add(Stage.transposed(p + ".tconv", decoderRates[k]));
            for (int d : new int[] {1, 3, 9}) {
                s.add(Stage.conv(p + ".residual(d=" + d + ")", 3 * d));
            }
        }
        s.add(Stage.conv("decoder.model.7", 3));
        return new SnacStagePlan(s);
    }

    public List<Stage> stages() {
        return stages;
    }

    /** Output samples per latent step (the hop length, 512 for 24 kHz). */
    public int hop() {
        int h = 1;
        for (Stage s : stages) {
            h *= s.rate();
        }
        return h;
    }

    /** Samples the exact streaming decoder holds back: the right half of the receptive field (4757 for 24 kHz). */
    public int lookaheadSamples() {
        int total = 0;
        int after = hop();
        for (Stage s : stages) {
            after /= s.rate();
            total += s.heldBack() * after;
        }
        return total;
    }

    /** Max new inputs per step for each stage (index 0: latent steps), given at most {@code maxFrames} frames. */
    public int[] maxNewInputs(int maxFrames, int latentPerFrame) {
        int[] m = new int[stages.size() + 1];
        m[0] = maxFrames * latentPerFrame;
        for (int i = 0; i < stages.size(); i++) {
            m[i + 1] = stages.get(i).maxNewOutputs(m[i]);
        }
        return m;
    }
}
