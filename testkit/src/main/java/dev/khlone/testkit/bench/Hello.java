package dev.khlone.testkit.bench;

/** The anchor of a client's start-up: a JVM that prints one line. */
public final class Hello {
    private Hello() {
    }

    public static void main(String[] args) {
        System.out.println("hello");
    }
}
