package dev.khlone.protocol;

import java.io.IOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;

/** What went wrong, in the words a user reads after {@code khlone: }. */
public final class Failures {
    private Failures() {}

    /**
     * Why, after the file when it is not {@code about} (the file the user's message already
     * names; may be null): the JDK's file exceptions often carry the path alone (an access
     * denied, a directory stream on a file), which reads as no reason at all.
     */
    public static String of(IOException e, Path about) {
        if (!(e instanceof FileSystemException f)) {
            return String.valueOf(e.getMessage());
        }
        String why = f.getReason() != null ? f.getReason()
                : f instanceof AccessDeniedException ? "permission denied"
                : f instanceof NotDirectoryException ? "not a directory"
                : f instanceof NoSuchFileException ? "no such file or directory"
                : f instanceof FileAlreadyExistsException ? "a file is in the way"
                : e.getClass().getSimpleName();
        return f.getFile() == null || Path.of(f.getFile()).equals(about) ? why : f.getFile() + ": " + why;
    }
}
