package org.lrid.spark;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.lrid.task.Task;
import org.lrid.task.TaskOptions;
import org.lrid.task.Tasks;
import org.lrid.zoo.RunDescription;

/**
 * A run's task data, loaded once per JVM (an executor, or the driver of an embedded session) and
 * shared by every run that JVM trains, as the local engine shares it between its workers.
 */
final class TaskCache {

    private static final Map<String, Task> TASKS = new ConcurrentHashMap<>();

    private TaskCache() {}

    static Task get(RunDescription r) {
        return TASKS.computeIfAbsent(
                r.task() + "|" + r.trainLimit() + "|" + r.testLimit(),
                k ->
                        Tasks.create(
                                r.task(),
                                TaskOptions.DEFAULTS.withLimits(r.trainLimit(), r.testLimit())));
    }
}
