package dev.khlone.protocol;

/**
 * The product's version, stamped in by the build (this file is a template the build fills in and
 * compiles); the daemon and the client report it. A constant, not a resource read: reading one
 * opened the jar's resources on every client start (~2 ms of a warm {@code status}).
 */
public final class Version {
    public static final String CURRENT = "${project.version}";

    private Version() {}
}
