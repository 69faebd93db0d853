package io.github.explain4j.djl.data;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;

/**
 * A pass's state on disk: which job over which source and model, how many images are done, and the
 * accumulator's state. Written whole to a temporary file and moved over the old one, so a pass killed while
 * writing leaves the previous checkpoint intact.
 */
final class Checkpoint {

    private static final String MAGIC = "explain4j-checkpoint-1";

    private Checkpoint() {}

    /**
     * Reads {@code file} into {@code accumulator} when it exists.
     *
     * @return the index of the first image not yet done; 0 when there is no checkpoint
     * @throws IllegalStateException when the checkpoint belongs to another job, source or model
     */
    static long restore(Path file, String key, DatasetJob.Accumulator<?> accumulator) {
        if (!Files.exists(file)) {
            return 0;
        }
        try (InputStream raw = Files.newInputStream(file);
                DataInputStream in = new DataInputStream(new BufferedInputStream(raw))) {
            String magic = in.readUTF();
            if (!MAGIC.equals(magic)) {
                throw new IllegalStateException("checkpoint " + file + " is not an explain4j checkpoint; pass another"
                        + " file to checkpoint(…), or delete it");
            }
            String stored = in.readUTF();
            if (!stored.equals(key)) {
                throw new IllegalStateException("checkpoint " + file + " is of another pass (" + stored + "); this"
                        + " pass is " + key + ". Delete the file to start afresh, or pass another checkpoint file");
            }
            long next = in.readLong();
            accumulator.read(in);
            return next;
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint " + file + " could not be read (" + e.getMessage() + "); delete"
                    + " it to start the pass afresh", e);
        }
    }

    /** Writes the state after {@code next} images. */
    static void save(Path file, String key, long next, DatasetJob.Accumulator<?> accumulator) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream raw = Files.newOutputStream(tmp);
                    DataOutputStream out = new DataOutputStream(new BufferedOutputStream(raw, 1 << 16))) {
                out.writeUTF(MAGIC);
                out.writeUTF(key);
                out.writeLong(next);
                accumulator.write(out);
            }
            Files.move(tmp, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("checkpoint " + file + " could not be written: " + e.getMessage(), e);
        }
    }
}
