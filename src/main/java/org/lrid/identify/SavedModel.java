package org.lrid.identify;

import java.io.IOException;
import java.io.InvalidClassException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import org.lrid.LridException;

/**
 * A fitted classifier with everything needed to apply it to new trajectories: the observables and
 * number of checkpoints it was trained on, the z-scoring, the class names.
 */
public record SavedModel(String classifierName, String description, Classifier classifier, Standardizer standardizer,
        List<String> classes, List<String> observables, int checkpoints, String lridVersion) implements Serializable {

    public void write(Path file) {
        org.lrid.AtomicFiles.write(file, "model", tmp -> {
            try (ObjectOutputStream out = new ObjectOutputStream(Files.newOutputStream(tmp))) {
                out.writeObject(this);
            }
        });
    }

    public static SavedModel read(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new LridException("no model at " + file + "; save one with 'lrid identify ... --save-model DIR'");
        }
        try (ObjectInputStream in = new ObjectInputStream(Files.newInputStream(file))) {
            return (SavedModel) in.readObject();
        } catch (InvalidClassException e) {
            throw new LridException("model " + file + " was saved by another lrid version; fit it again");
        } catch (IOException | ClassNotFoundException | ClassCastException e) {
            throw new LridException("model " + file + " is not an lrid model (" + e.getClass().getSimpleName() + ")");
        }
    }
}
