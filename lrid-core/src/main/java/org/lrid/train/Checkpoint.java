package org.lrid.train;

import java.util.List;
import org.lrid.net.Network;
import org.lrid.task.TaskSession;

/**
 * The state of a run at one checkpoint, handed to listeners (the observables recorder). The network
 * and session are live: read them during the callback only.
 *
 * @param trainLoss mean training loss over the steps since the previous checkpoint (at step 0: the
 *     loss of the first batch before any update)
 * @param heldOutAccuracy NaN when the run does not evaluate at checkpoints
 * @param diagnostics one per weight layer, input side first (science.md "Diagnostics"); never
 *     features
 */
public record Checkpoint(
        int index,
        int step,
        Network network,
        TaskSession session,
        double trainLoss,
        double heldOutAccuracy,
        List<LayerDiagnostics> diagnostics) {

    public Checkpoint {
        diagnostics = List.copyOf(diagnostics);
    }
}
