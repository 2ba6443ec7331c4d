package ai.maya1.spi;

/** Common part of every backend provider found with {@link java.util.ServiceLoader}. */
public interface BackendProvider {
    /** Short stable name used in configuration and system properties, e.g. "java", "onnx", "cuda". */
    String name();

    /** Higher wins when nothing is configured explicitly. */
    int priority();

    /** Whether it can run in this process (libraries, devices, JVM flags), with the reason. Cheap and side-effect free. */
    Availability availability();
}
