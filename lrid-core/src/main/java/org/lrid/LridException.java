package org.lrid;

/**
 * An error the user can act on: bad input, a missing or corrupt file, an unknown name. Its message
 * is one line that says what is wrong and how to fix it; the CLI prints it alone and exits
 * non-zero.
 */
public class LridException extends RuntimeException {

    public LridException(String message) {
        super(message);
    }

    public LridException(String message, Throwable cause) {
        super(message, cause);
    }
}
