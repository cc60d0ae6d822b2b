package org.lrid.cli;

import org.lrid.task.Task;
import org.lrid.task.TaskOptions;
import org.lrid.task.Tasks;

/** Turns the run options' task settings into a loaded task. */
final class TaskArgs {

    Task task(RunOptions run) {
        TaskOptions options =
                TaskOptions.DEFAULTS
                        .withDataDir(run.dataDir)
                        .withLimits(run.trainLimit, run.testLimit);
        return Tasks.create(run.taskName(), options);
    }
}
