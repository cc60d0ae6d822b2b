package org.lrid.zoo;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import org.lrid.observe.Observation;
import org.lrid.observe.Recorder;
import org.lrid.rule.LearningRule;
import org.lrid.store.RunRecord;
import org.lrid.store.TrajectoryRow;
import org.lrid.store.TrajectoryStore;
import org.lrid.task.Task;
import org.lrid.train.RunSpec;
import org.lrid.train.TrainResult;
import org.lrid.train.Trainer;

/**
 * One run from description to stored dataset rows: the unit of work every engine (the local thread
 * pool, a Spark task) executes, so that all of them train, record and store a run the same way.
 */
public final class RunExecutor {

    private final TrajectoryStore store;
    private final String version;

    public RunExecutor(TrajectoryStore store, String version) {
        this.store = store;
        this.version = version;
    }

    /**
     * Trains one run on {@code task} (tensors under {@code manager}), records it under its
     * conditions and stores it: trajectories first, then the run row that commits it.
     */
    public TrainResult execute(RunDescription r, Task task, NDManager manager) {
        RunSpec spec = r.runSpec();
        Recorder recorder = new Recorder(r.recordingConditions());
        TrainResult result = Trainer.train(spec, task, manager, recorder);
        List<TrajectoryRow> rows = new ArrayList<>();
        for (Observation o : recorder.observations()) {
            rows.add(
                    new TrajectoryRow(
                            o.layer(),
                            o.position(),
                            o.checkpoint(),
                            o.step(),
                            o.condition().unitFraction(),
                            o.condition().noiseSigma(),
                            o.condition().seed(),
                            o.trainLoss(),
                            o.heldOutAccuracy(),
                            o.values(),
                            o.diagnostics().feedbackCosine(),
                            o.diagnostics().updateAngle()));
        }
        store.write(record(r, spec, result, task.scoreName()), rows);
        return result;
    }

    private RunRecord record(RunDescription r, RunSpec spec, TrainResult result, String scoreName) {
        LearningRule rule = spec.rule();
        return new RunRecord(
                r.runId(),
                rule.name(),
                rule.credit().label(),
                rule.optimizer().label(),
                rule.hyperparametersJson(),
                rule.optimizer().learningRate(),
                spec.architecture().id(),
                r.archFamily(),
                r.width(),
                r.depth(),
                spec.architecture().initScale(),
                r.task(),
                r.batchSize(),
                r.steps(),
                result.stepsDone(),
                r.seed(),
                spec.initSeed(),
                spec.dataSeed(),
                spec.feedbackSeed(),
                result.diverged(),
                result.divergence(),
                result.trainSeconds(),
                result.testAccuracy(),
                scoreName,
                version);
    }
}
