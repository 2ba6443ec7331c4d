package ai.maya1.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * An output file checked before the command does its work: the folder is created and the file itself is created
 * (or, when it exists, opened for writing) up front, so that a path that cannot be written fails in a second, not
 * after minutes of synthesis. A run that fails before {@link #done()} removes the empty file it created.
 */
final class OutputFile implements AutoCloseable {
    private final Path target;
    private final boolean created;
    private boolean done;

    private OutputFile(Path target, boolean created) {
        this.target = target;
        this.created = created;
    }

    /** Checks that {@code target} can be written; creates missing folders and the (empty) file. */
    static OutputFile open(Path target) {
        Path abs = target.toAbsolutePath();
        if (Files.isDirectory(abs)) {
            throw new IllegalArgumentException("cannot write " + target + ": it is a folder");
        }
        try {
            Files.createDirectories(abs.getParent());
            try {
                Files.createFile(abs);
                return new OutputFile(target, true);
            } catch (FileAlreadyExistsException e) {
                try (FileChannel c = FileChannel.open(abs, StandardOpenOption.WRITE)) {
                    return new OutputFile(target, false); // writable; its content is replaced at the end
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target + ": " + CliErrors.reason(e), e);
        }
    }

    /** The file to write. */
    Path path() {
        return target;
    }

    /** The content is written: keep the file. */
    void done() {
        done = true;
    }

    @Override
    public void close() {
        if (!done && created) {
            try {
                Files.deleteIfExists(target);
            } catch (IOException e) {
                // best effort: an empty file left by a failed run is harmless
            }
        }
    }
}
