package org.smimepickup.certs;

import java.nio.file.attribute.PosixFilePermission;
import java.util.EnumSet;
import java.util.Set;

/** Octal file modes, as operators write them (0600), to and from permission sets. */
public final class KeyMode {
    private static final PosixFilePermission[] ORDER = {
        PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
        PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_READ,
        PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
        PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE,
        PosixFilePermission.OTHERS_EXECUTE,
    };

    private KeyMode() {
    }

    /** "0640" to the permission set; throws IllegalArgumentException when not octal. */
    public static Set<PosixFilePermission> parse(String octal) {
        int mode = Integer.parseInt(octal.trim(), 8);
        if (mode < 0 || mode > 0777) {
            throw new IllegalArgumentException("not a file mode: " + octal);
        }
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        for (int i = 0; i < ORDER.length; i++) {
            if ((mode & (0400 >> i)) != 0) {
                set.add(ORDER[i]);
            }
        }
        return set;
    }

    public static String format(Set<PosixFilePermission> set) {
        int mode = 0;
        for (int i = 0; i < ORDER.length; i++) {
            if (set.contains(ORDER[i])) {
                mode |= 0400 >> i;
            }
        }
        return String.format("%04o", mode);
    }
}
