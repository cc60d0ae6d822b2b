package org.lrid.zoo;

import ai.djl.ndarray.NDManager;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.lrid.observe.Observation;
import org.lrid.observe.Recorder;
import org.lrid.rule.LearningRule;
import org.lrid.store.Claims;
import org.lrid.store.RunRecord;
import org.lrid.store.TrajectoryRow;
import org.lrid.store.TrajectoryStore;
import org.lrid.task.Task;
import org.lrid.train.RunSpec;
import org.lrid.train.TrainResult;
import org.lrid.train.Trainer;

/**
 * One run from description to stored dataset rows: the unit of work every engine (the local thread
 * pool, a Spark task) executes, so that all of them train, record and store a run the same way, and
 * all of them share one output directory safely with any other process: a run already stored is not
 * trained, a run another process holds a live claim on ({@link Claims}) is left to it, and the run
 * row is committed exactly once.
 */
public final class RunExecutor {

    /** What {@link #execute} did with a run. */
    public enum Status {
        /** Trained here and stored by this call. */
        STORED,
        /**
         * Stored already, by another process (or an earlier attempt); {@link Outcome#result} is
         * non-null only if this call trained it too, which happens only when a claim was taken over
         * from a holder that was alive but silent for a whole lease.
         */
        ALREADY_STORED,
        /** Another process holds a live claim on it: not trained; try again later. */
        CLAIMED_ELSEWHERE
    }

    /**
     * @param result the training's result when this call trained the run, else null
     */
    public record Outcome(Status status, TrainResult result) {

        /** Whether this call trained the run (whoever stored it). */
        public boolean trained() {
            return result != null;
        }
    }

    private final TrajectoryStore store;
    private final String version;
    private final Claims claims;

    /** An executor with claims of the default lease ({@link Claims#DEFAULT_LEASE}). */
    public RunExecutor(TrajectoryStore store, String version) {
        this(store, version, new Claims(store.dir(), Claims.DEFAULT_LEASE));
    }

    public RunExecutor(TrajectoryStore store, String version, Claims claims) {
        this.store = store;
        this.version = version;
        this.claims = claims;
    }

    public Claims claims() {
        return claims;
    }

    /**
     * Executes one run unless it is stored or claimed elsewhere: claims it, trains it on {@code
     * task} (tensors under {@code manager}), records it under its conditions and stores it
     * (trajectories first, then the run row that commits it, exactly once), then releases the
     * claim, which is released on every failure path too.
     */
    public Outcome execute(RunDescription r, Task task, NDManager manager) {
        if (store.isStored(r.runId())) {
            return new Outcome(Status.ALREADY_STORED, null);
        }
        Optional<Claims.Claim> claim = claims.tryClaim(r.runId());
        if (claim.isEmpty()) {
            return new Outcome(Status.CLAIMED_ELSEWHERE, null);
        }
        try (Claims.Claim held = claim.get()) {
            // stored, and its claim released, between the check above and this claim
            if (store.isStored(r.runId())) {
                return new Outcome(Status.ALREADY_STORED, null);
            }
            return trainAndStore(r, task, manager);
        }
    }

    /**
     * {@link #execute}, waiting while another process holds a live claim on the run: until that
     * process stores it ({@link Status#ALREADY_STORED}) or its claim goes stale and this call takes
     * it over. For an engine whose unit of work must settle its run before it ends (a Spark task,
     * retried after its executor was lost, finds the lost executor's claim and waits for it to go
     * stale).
     *
     * @throws java.util.concurrent.CancellationException when interrupted while waiting
     */
    public Outcome executeOrAwait(RunDescription r, Task task, NDManager manager) {
        while (true) {
            Outcome o = execute(r, task, manager);
            if (o.status() != Status.CLAIMED_ELSEWHERE) {
                return o;
            }
            try {
                Thread.sleep(claims.pollMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new java.util.concurrent.CancellationException(
                        "interrupted while waiting for the claim on run " + r.runId());
            }
        }
    }

    private Outcome trainAndStore(RunDescription r, Task task, NDManager manager) {
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
        boolean stored = store.write(record(r, spec, result, task.scoreName()), rows);
        return new Outcome(stored ? Status.STORED : Status.ALREADY_STORED, result);
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
