package org.etab.decode;

import java.io.IOException;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;

/**
 * How an image reader opens the files it reads ({@link MetaImageReader}, {@link NiftiReader}, {@link PngGray}).
 * A dataset passes its own (the source package's {@code DatasetFiles}: only regular files under the dataset root,
 * reads bounded by the sample's deadline); {@link #REGULAR} opens any regular file.
 *
 * <p>Threading: implementations may be called from any thread; each channel returned belongs to the caller, who
 * closes it.
 */
@FunctionalInterface
public interface FileOpener {
    /** Any regular file, by path; FIFOs, devices and directories are refused before they are opened. */
    FileOpener REGULAR = file -> {
        try {
            if (!Files.readAttributes(file, BasicFileAttributes.class).isRegularFile()) {
                throw new DatasetException(file, "is not a regular file");
            }
        } catch (NoSuchFileException e) {
            throw new DatasetException(file, "not found");
        }
        return Files.newByteChannel(file, StandardOpenOption.READ);
    };

    /**
     * Opens {@code file} for reading.
     *
     * @param file the file a reader means to read
     * @return a channel on it, positioned at byte 0
     * @throws IOException              when it cannot be opened
     * @throws DatasetException         naming the file, when it may not be read (not a regular file, outside the
     *                                  dataset, changed while being opened)
     * @throws DecodeTimeoutException   from the channel's reads (or here), once the read's deadline has passed
     */
    SeekableByteChannel open(Path file) throws IOException;
}
