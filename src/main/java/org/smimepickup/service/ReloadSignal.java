package org.smimepickup.service;

import sun.misc.Signal;

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

    /** Calls {@code daemon.requestReload()} on every SIGHUP from now on. */
    public static void install(Daemon daemon) {
        Signal.handle(new Signal("HUP"), signal -> daemon.requestReload());
    }
}
