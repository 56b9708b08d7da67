package org.smimepickup.service;

import org.tinylog.Logger;
import sun.misc.Signal;
import sun.misc.SignalHandler;

/**
 * Turns SIGHUP into a reload request, as {@code systemctl reload} (ExecReload=kill -HUP) and
 * operators expect of a daemon. Java has no public API for signals other than shutdown hooks,
 * which would treat HUP as a stop; {@code sun.misc.Signal} lives in the {@code jdk.unsupported}
 * module, which the JDK keeps exported for exactly this use. The handler only sets a flag: the
 * reload itself runs on the daemon's main loop, never on the signal thread.
 */
public final class ReloadSignal {
    private ReloadSignal() {
    }

    /**
     * Calls {@code daemon.requestReload()} on every SIGHUP from now on, or says in one warning
     * why SIGHUP cannot reload this process; the daemon runs on either way.
     */
    public static void install(Daemon daemon) {
        SignalHandler previous;
        try {
            previous = Signal.handle(new Signal("HUP"), signal -> daemon.requestReload());
        } catch (IllegalArgumentException e) {
            // HotSpot refuses HUP under -Xrs, where the signal keeps its default action: exit
            // -Xrs also drops the JVM's own TERM and INT handling: no shutdown hooks, no drain
            Logger.warn("reload: the JVM keeps SIGHUP (-Xrs?): {}; kill -HUP ends the daemon"
                    + " instead of reloading it, and kill -TERM stops it at once without"
                    + " letting messages in flight finish (a message being sent by SMTP may"
                    + " go twice): run without -Xrs", e.getMessage());
            return;
        }
        // HotSpot leaves a HUP ignored by the parent ignored, accepts the handler and reports
        // the old disposition: the handler would never run
        if (previous == SignalHandler.SIG_IGN) {
            Logger.warn("reload: SIGHUP is ignored by the parent process (nohup?), so kill -HUP"
                    + " does nothing: reload with a restart");
        }
    }
}
