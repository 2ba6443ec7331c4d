package ai.maya1.cuda;

import ai.maya1.weights.ModelFormatException;
import ai.maya1.weights.SafetensorsFile;
import ai.maya1.weights.TensorData;
import ai.maya1.weights.TensorSource;
import java.lang.reflect.InvocationTargetException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Opening weight files and small helpers shared by the SNAC and Llama loaders. */
public final class ModelFiles {
    private ModelFiles() {
    }

    /**
     * Opens a weight file or folder. Uses {@code ai.maya1.weights.TensorSources.open} (all formats: sharded
     * safetensors, PyTorch, GGUF) when that class is on the class path, else reads safetensors directly
     * ({@code model.safetensors} in a folder, or the file itself).
     */
    public static TensorSource open(Path fileOrFolder) {
        try {
            Class<?> c = Class.forName("ai.maya1.weights.TensorSources");
            return (TensorSource) c.getMethod("open", Path.class).invoke(null, fileOrFolder);
        } catch (ClassNotFoundException | NoSuchMethodException | IllegalAccessException e) {
            Path f = Files.isDirectory(fileOrFolder) ? fileOrFolder.resolve("model.safetensors") : fileOrFolder;
            if (!Files.isRegularFile(f)) {
                throw new ModelFormatException(fileOrFolder, null, -1, "no model.safetensors found");
            }
            return SafetensorsFile.open(f);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new ModelFormatException(fileOrFolder, null, -1, "cannot open: " + e.getCause());
        }
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
