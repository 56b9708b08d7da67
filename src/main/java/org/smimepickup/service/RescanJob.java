package org.smimepickup.service;

import org.quartz.DisallowConcurrentExecution;
import org.quartz.Job;
import org.quartz.JobExecutionContext;

/** Quartz job that runs the daemon's periodic inbox rescan and deferred-retry scan. */
@DisallowConcurrentExecution
public final class RescanJob implements Job {
    static final String TASK = "task";

    @Override
    public void execute(JobExecutionContext context) {
        ((Runnable) context.getMergedJobDataMap().get(TASK)).run();
    }
}
