package ai.maya1.cuda;

import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import ai.maya1.weights.TensorSources;
import java.nio.file.Path;

/** Opening weight files and small helpers shared by the SNAC and Llama loaders. */
public final class ModelFiles {
    private ModelFiles() {
    }

    /** Opens a weight file or folder in any format core reads (safetensors, sharded, PyTorch, GGUF). */
    public static TensorSource open(Path fileOrFolder) {
        return TensorSources.open(fileOrFolder);
    }

    /** The tensor widened to float32, with its shape checked. */
    public static float[] floats(TensorSource src, String name, long... shape) {
        TensorData t = src.get(name);
        checkShape(src, t, shape);
        return t.toFloatArray();
    }

    public static void checkShape(TensorSource src, TensorData t, long... shape) {
        if (!java.util.Arrays.equals(t.shape(), shape)) {
            throw new ModelFormatException(src.path(), t.name(), -1, "shape " + java.util.Arrays.toString(t.shape()) + ", expected "
                    + java.util.Arrays.toString(shape));
        }
    }
}
